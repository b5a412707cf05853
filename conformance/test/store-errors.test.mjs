// Errors a storefront meets: publishable key problems (golden 02) and strict query validation.
// The js-sdk surfaces them as FetchError(message = body.message, statusText, status); the raw
// body is checked too, since other clients read `type`.

import assert from "node:assert/strict"
import { describe, test } from "node:test"

import { golden, pk, raw, rejectsWith, storeSdk } from "../lib/medusa.mjs"

const INVALID_KEY = "A valid publishable key is required to proceed with the request"

describe("publishable key", () => {
  test("missing: 400 not_allowed, as golden 02", async () => {
    const recorded = golden("02-store-no-key")
    const res = await raw(recorded.request.path)
    assert.equal(res.status, recorded.status)
    assert.deepEqual(res.body, recorded.body)
    assert.match(res.headers.get("content-type") ?? "", /^application\/json/)

    const sdk = storeSdk({ publishableKey: null })
    await rejectsWith(sdk.store.region.list(), 400, recorded.body.message)
    await rejectsWith(sdk.store.product.list({ limit: 1 }), 400, recorded.body.message)
  })

  test("unknown: 400 not_allowed", async () => {
    const res = await raw("/store/regions", {
      headers: { "x-publishable-api-key": "pk_0000000000000000000000000000000000000000" },
    })
    assert.equal(res.status, 400)
    assert.deepEqual(res.body, { type: "not_allowed", message: INVALID_KEY })

    const sdk = storeSdk({ publishableKey: "pk_does_not_exist" })
    await rejectsWith(sdk.store.product.list(), 400, INVALID_KEY)
    await rejectsWith(sdk.store.category.list(), 400, INVALID_KEY)
    await rejectsWith(sdk.store.collection.list(), 400, INVALID_KEY)
  })
})

describe("strict query validation", () => {
  const sdk = storeSdk()
  const expected = { type: "invalid_data", message: "Invalid request: Unrecognized fields: 'x'" }

  for (const [name, path, call] of [
    ["products", "/store/products", (q) => sdk.store.product.list(q)],
    ["regions", "/store/regions", (q) => sdk.store.region.list(q)],
    ["categories", "/store/product-categories", (q) => sdk.store.category.list(q)],
    ["collections", "/store/collections", (q) => sdk.store.collection.list(q)],
  ]) {
    test(`${name}: an unknown query key is a 400 invalid_data`, async () => {
      await rejectsWith(call({ x: "1" }), 400, expected.message)
      await rejectsWith(call({ limit: 1, x: "1" }), 400, expected.message)
      const res = await raw(`${path}?x=1`, { headers: pk() })
      assert.equal(res.status, 400)
      assert.deepEqual(res.body, expected)
    })
  }
})
