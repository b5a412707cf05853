// Shared helpers for the conformance suite: js-sdk clients for the server under test, raw HTTP
// for exact error bodies, and a shape comparison against Medusa 2.21.2's recorded responses.
//
// Lives outside test/ because Node 20's test runner executes every .mjs file under test/.
//
// The server is reached through MEDUSA_URL, MEDUSA_PUBLISHABLE_KEY, MEDUSA_ADMIN_EMAIL and
// MEDUSA_ADMIN_PASSWORD (`cargo xtask conformance` sets all four). It also sets
// STRIPE_STANDIN_URL (its Stripe stand-in's call log and controls; without it
// test/store-stripe-checkout.test.mjs is skipped) and CAPTURE_DELAY_SECONDS (the api's
// CAPTURE_DELAY, which that test checks the capture waits for).
//
// Data the suite expects from `xtask seed` (Medusa's own seed and the recorded peer have it):
// at least one region with countries (EUR and/or USD), a publishable key linked to exactly one
// sales channel, at least two published products in that channel with priced variants, at
// least one collection and one active category that each hold a published product.

import assert from "node:assert/strict"
import { readFileSync } from "node:fs"

import Medusa, { FetchError } from "@medusajs/js-sdk"

export { FetchError }

function requireEnv(name) {
  const value = process.env[name]
  if (!value) {
    throw new Error(
      `${name} is not set: run the suite with \`cargo xtask conformance\` (or set MEDUSA_URL, ` +
        "MEDUSA_PUBLISHABLE_KEY, MEDUSA_ADMIN_EMAIL, MEDUSA_ADMIN_PASSWORD)"
    )
  }
  return value
}

export const env = {
  baseUrl: requireEnv("MEDUSA_URL").replace(/\/$/, ""),
  publishableKey: requireEnv("MEDUSA_PUBLISHABLE_KEY"),
  adminEmail: requireEnv("MEDUSA_ADMIN_EMAIL"),
  adminPassword: requireEnv("MEDUSA_ADMIN_PASSWORD"),
}

// The storefront's exact `fields` strings (../shared/clients/storefront-calls.txt), verbatim:
// spaces after commas and the trailing comma are part of what the server must accept.
export const FIELDS = {
  product:
    "*variants.calculated_price,+variants.inventory_quantity,*variants.images,*variants.options,+metadata,+tags,",
  productHandles: "handle",
  categoryTree: "*category_children, *products, *parent_category, *parent_category.parent_category",
  categoryByHandle: "*category_children, *products",
  collectionProducts: "*products",
  collectionSummary: "id, handle, title",
}

/** A store client as the Next.js starter builds it (`publishableKey: null`: send none). */
export function storeSdk({ publishableKey = env.publishableKey } = {}) {
  return new Medusa({
    baseUrl: env.baseUrl,
    publishableKey: publishableKey ?? undefined,
    auth: { type: "jwt" },
  })
}

/**
 * An admin client. Outside a browser the js-sdk keeps no token unless told where to keep it
 * (its default storage is "nostore"), so the JWT lives in memory.
 */
export function adminSdk() {
  return new Medusa({
    baseUrl: env.baseUrl,
    auth: { type: "jwt", jwtTokenStorageMethod: "memory" },
  })
}

/** An admin client logged in with the seeded user (`sdk.auth.login`, as the dashboard does). */
export async function loggedInAdmin() {
  const sdk = adminSdk()
  const token = await sdk.auth.login("user", "emailpass", {
    email: env.adminEmail,
    password: env.adminPassword,
  })
  assert.equal(typeof token, "string", "auth.login resolves to the JWT")
  return sdk
}

/** A plain request, for the exact status and JSON body (the js-sdk keeps only the message). */
export async function raw(path, { method = "GET", headers = {}, body } = {}) {
  const res = await fetch(`${env.baseUrl}${path}`, {
    method,
    headers: {
      accept: "application/json",
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  let json
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: res.status, headers: res.headers, text, body: json }
}

export const pk = () => ({ "x-publishable-api-key": env.publishableKey })

/** Asserts that `promise` rejects with the js-sdk's FetchError of this status (and message). */
export async function rejectsWith(promise, status, message) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof FetchError, `expected a FetchError, got ${err}`)
    assert.equal(err.status, status, `HTTP status (message: ${err.message})`)
    if (message !== undefined) {
      assert.equal(err.message, message)
    }
    return true
  })
}

/** A recorded Medusa 2.21.2 response (trimmed copies of ../shared/medusa-golden, see golden/). */
export function golden(name) {
  return JSON.parse(readFileSync(new URL(`../golden/${name}.json`, import.meta.url), "utf8"))
}

export const sortedKeys = (obj) => Object.keys(obj).sort()

const ID_PLACEHOLDER = /^<([a-z_]+?)_\d+>$/

function isPlainObject(v) {
  return v !== null && typeof v === "object" && !Array.isArray(v)
}

/**
 * Compares `actual` with a recorded Medusa response, structurally:
 * - objects must have exactly the recorded keys (keys listed in `optional` may be missing or
 *   extra, and are not compared);
 * - arrays: every element is compared with the recorded first element (empty: any array);
 * - `<prefix_N>` ids must be strings starting with `prefix_`; `<timestamp>` must be null or
 *   an ISO-8601 string as JavaScript's Date#toISOString writes it (what Medusa sends);
 * - recorded null: any value; other scalars: the same JSON type, or null.
 * `extra` adds expected keys per object path, array indices written `[]`
 * (e.g. { "$.products[]": { metadata: null } }).
 */
export function assertShape(actual, recorded, { optional = [], extra = {}, path = "$" } = {}) {
  const here = (p) => p.replace(/\[\d+\]/g, "[]")
  if (recorded === null) {
    return
  }
  if (Array.isArray(recorded)) {
    assert.ok(Array.isArray(actual), `${path}: expected an array, got ${JSON.stringify(actual)}`)
    if (recorded.length === 0) {
      return
    }
    actual.forEach((item, i) =>
      assertShape(item, recorded[0], { optional, extra, path: `${path}[${i}]` })
    )
    return
  }
  if (isPlainObject(recorded)) {
    assert.ok(isPlainObject(actual), `${path}: expected an object, got ${JSON.stringify(actual)}`)
    const expected = { ...recorded, ...(extra[here(path)] ?? {}) }
    const skip = new Set(optional)
    const want = Object.keys(expected).filter((k) => !skip.has(k)).sort()
    const got = Object.keys(actual).filter((k) => !skip.has(k)).sort()
    assert.deepEqual(got, want, `${path}: keys differ from Medusa's`)
    for (const key of want) {
      assertShape(actual[key], expected[key], { optional, extra, path: `${path}.${key}` })
    }
    return
  }
  if (typeof recorded === "string") {
    const id = ID_PLACEHOLDER.exec(recorded)
    if (id) {
      assert.equal(typeof actual, "string", `${path}: expected an id string`)
      assert.ok(actual.startsWith(`${id[1]}_`), `${path}: '${actual}' lacks the '${id[1]}_' prefix`)
      return
    }
    if (recorded === "<timestamp>") {
      if (actual !== null) {
        assert.equal(typeof actual, "string", `${path}: expected a timestamp string`)
        const parsed = new Date(actual)
        assert.ok(!Number.isNaN(parsed.getTime()), `${path}: '${actual}' is not a date`)
        assert.equal(actual, parsed.toISOString(), `${path}: not in Medusa's ISO-8601 form`)
      }
      return
    }
  }
  if (actual !== null) {
    assert.equal(typeof actual, typeof recorded, `${path}: JSON type of ${JSON.stringify(actual)}`)
  }
}

/** Every product of a store listing, page by page (the server's own `limit` cap is respected). */
export async function allStoreProducts(sdk, query = {}) {
  const out = []
  for (let offset = 0; ; ) {
    const page = await sdk.store.product.list({ ...query, limit: 100, offset })
    out.push(...page.products)
    offset += page.products.length
    if (page.products.length === 0 || offset >= page.count) {
      return out
    }
  }
}

/** A unique suffix for handles and SKUs created by a test run. */
export const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`
