// GET /store/regions and /store/regions/:id, as the storefront calls them (no query at all)
// and as Medusa 2.21.2 answered (golden 03, 04).

import assert from "node:assert/strict"
import { before, describe, test } from "node:test"

import { assertShape, golden, rejectsWith, storeSdk } from "../lib/medusa.mjs"

const sdk = storeSdk()

describe("store regions", () => {
  let listed

  before(async () => {
    listed = await sdk.store.region.list()
  })

  test("list: {regions, count, offset, limit} with Medusa's default limit", () => {
    assertShape(listed, golden("03-list-regions"))
    assert.equal(listed.offset, 0)
    assert.equal(listed.limit, 50, "Medusa's default page size for regions")
    assert.ok(listed.regions.length > 0, "the seed creates at least one region")
    assert.equal(listed.count, listed.regions.length)
  })

  test("list: countries carry lower-case iso_2 codes and their region id", () => {
    assert.ok(listed.regions.length > 0, "the seed creates at least one region")
    for (const region of listed.regions) {
      assert.match(region.currency_code, /^[a-z]{3}$/)
      assert.ok(region.countries.length > 0, `region ${region.name} has countries`)
      for (const country of region.countries) {
        assert.match(country.iso_2, /^[a-z]{2}$/)
        assert.match(country.iso_3, /^[a-z]{3}$/)
        assert.equal(country.region_id, region.id)
      }
    }
    // The storefront maps a URL country code to exactly one region.
    const codes = listed.regions.flatMap((r) => r.countries.map((c) => c.iso_2))
    assert.equal(new Set(codes).size, codes.length, "a country belongs to one region")
  })

  test("retrieve: {region}, the same object the list returned", async () => {
    assert.ok(listed.regions.length > 0, "the seed creates at least one region")
    for (const region of listed.regions) {
      const res = await sdk.store.region.retrieve(region.id)
      assertShape(res, golden("04-get-region"))
      assert.deepEqual(res.region, region)
    }
  })

  test("retrieve: unknown id is a 404 FetchError", async () => {
    await rejectsWith(sdk.store.region.retrieve("reg_01JZZZZZZZZZZZZZZZZZZZZZZZ"), 404)
  })
})
