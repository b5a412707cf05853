// GET /store/products and /store/products/:id with the query strings Medusa's storefront sends
// (../shared/clients/storefront-calls.txt), compared with Medusa 2.21.2's answers (golden 05, 06).

import assert from "node:assert/strict"
import { before, describe, test } from "node:test"

import {
  FIELDS,
  allStoreProducts,
  assertShape,
  golden,
  rejectsWith,
  sortedKeys,
  storeSdk,
} from "../lib/medusa.mjs"

const sdk = storeSdk()

// What the storefront's fields string adds to Medusa's defaults: `+metadata` on the product,
// `*variants.images` and (for variants with managed inventory) `+variants.inventory_quantity`.
// `*variants.calculated_price`, `*variants.options` and `+tags` are defaults already.
const STOREFRONT_EXTRA = {
  "$.products[]": { metadata: null },
  "$.products[].variants[]": { images: [] },
  "$.product": { metadata: null },
  "$.product.variants[]": { images: [] },
}

function assertInventoryQuantities(products) {
  for (const product of products) {
    for (const variant of product.variants) {
      if (variant.manage_inventory) {
        assert.ok(
          Number.isInteger(variant.inventory_quantity) && variant.inventory_quantity >= 0,
          `variant ${variant.id}: inventory_quantity is a count (${variant.inventory_quantity})`
        )
      } else {
        assert.equal(variant.inventory_quantity, undefined, `variant ${variant.id} has none`)
      }
    }
  }
}

function assertPriced(products, region) {
  for (const product of products) {
    assert.ok(product.variants.length > 0, `product ${product.handle} has variants`)
    for (const variant of product.variants) {
      const price = variant.calculated_price
      assert.ok(price, `variant ${variant.id} has a calculated_price in ${region.currency_code}`)
      assert.equal(typeof price.calculated_amount, "number")
      assert.equal(typeof price.original_amount, "number")
      assert.ok(price.calculated_amount >= 0)
      assert.ok(price.calculated_amount <= price.original_amount)
      assert.equal(price.currency_code, region.currency_code)
      assert.equal(price.raw_calculated_amount.value, String(price.calculated_amount))
      assert.equal(price.raw_original_amount.value, String(price.original_amount))
    }
  }
}

describe("store products", () => {
  let region
  let all
  let page

  before(async () => {
    const { regions } = await sdk.store.region.list()
    assert.ok(regions.length > 0, "the seed creates a region")
    region = regions[0]
    all = await allStoreProducts(sdk)
    assert.ok(all.length >= 2, "the seed publishes at least two products in the key's channel")
    // The storefront's product grid: limit=12&offset=0&region_id=..&fields=..
    page = await sdk.store.product.list({
      limit: 12,
      offset: 0,
      region_id: region.id,
      fields: FIELDS.product,
    })
  })

  test("list with region_id, default fields: golden 05's product and variant keys", async () => {
    const res = await sdk.store.product.list({ limit: 20, region_id: region.id })
    assertShape(res, golden("05-list-products"))
    assert.equal(res.limit, 20)
    assert.equal(res.offset, 0)
    assert.equal(res.count, all.length)
    assertPriced(res.products, region)
  })

  test("list without a limit uses Medusa's default of 50", async () => {
    const res = await sdk.store.product.list()
    assert.equal(res.limit, 50)
    assert.equal(res.offset, 0)
    assert.equal(res.count, all.length)
    assert.equal(res.products.length, Math.min(50, all.length))
  })

  test("list with the storefront's fields: calculated prices, inventory, images, metadata", () => {
    assertShape(page, golden("05-list-products"), {
      extra: STOREFRONT_EXTRA,
      optional: ["inventory_quantity"],
    })
    assert.equal(page.limit, 12)
    assert.equal(page.offset, 0)
    assert.equal(page.count, all.length)
    assert.equal(page.products.length, Math.min(12, all.length))
    assertPriced(page.products, region)
    assertInventoryQuantities(page.products)
    for (const product of page.products) {
      for (const variant of product.variants) {
        for (const option of variant.options) {
          assert.ok(
            product.options.some((o) => o.id === option.option_id),
            `variant option ${option.id} points at one of the product's options`
          )
        }
      }
    }
  })

  test("filter by handle (the product page)", async () => {
    const target = all[all.length - 1]
    const res = await sdk.store.product.list({
      limit: 12,
      offset: 0,
      region_id: region.id,
      fields: FIELDS.product,
      handle: target.handle,
    })
    assert.equal(res.count, 1)
    assert.deepEqual(
      res.products.map((p) => p.id),
      [target.id]
    )
    assert.equal(res.products[0].handle, target.handle)
    assertPriced(res.products, region)
  })

  test("filter by id[] (sent as id[0]=..&id[1]=..)", async () => {
    const ids = [all[0].id, all[all.length - 1].id]
    const res = await sdk.store.product.list({
      limit: 12,
      offset: 0,
      region_id: region.id,
      fields: FIELDS.product,
      id: ids,
    })
    assert.equal(res.count, 2)
    assert.deepEqual(res.products.map((p) => p.id).sort(), [...ids].sort())
    const one = await sdk.store.product.list({ id: [ids[1]] })
    assert.deepEqual(
      one.products.map((p) => p.id),
      [ids[1]]
    )
  })

  test("filter by collection_id (string and array)", async () => {
    const target = all.find((p) => p.collection_id)
    assert.ok(target, "the seed puts at least one published product in a collection")
    const expected = all
      .filter((p) => p.collection_id === target.collection_id)
      .map((p) => p.id)
      .sort()
    for (const collection_id of [target.collection_id, [target.collection_id]]) {
      const res = await sdk.store.product.list({ limit: 100, region_id: region.id, collection_id })
      assert.equal(res.count, expected.length)
      assert.deepEqual(res.products.map((p) => p.id).sort(), expected)
      for (const product of res.products) {
        assert.equal(product.collection_id, target.collection_id)
        assert.equal(product.collection?.id, target.collection_id, "*collection is expanded")
      }
    }
  })

  test("filter by category_id (string and array)", async () => {
    const { product_categories } = await sdk.store.category.list({
      fields: FIELDS.categoryTree,
      limit: 100,
    })
    const visible = new Set(all.map((p) => p.id))
    const category = product_categories.find((c) => c.products.some((p) => visible.has(p.id)))
    assert.ok(category, "the seed puts at least one published product in an active category")
    const members = new Set(category.products.map((p) => p.id))
    const expected = all
      .filter((p) => members.has(p.id))
      .map((p) => p.id)
      .sort()
    for (const category_id of [category.id, [category.id]]) {
      const res = await sdk.store.product.list({ limit: 100, category_id })
      assert.equal(res.count, expected.length)
      assert.deepEqual(res.products.map((p) => p.id).sort(), expected)
    }
  })

  test("q searches products", async () => {
    const target = all[0]
    const res = await sdk.store.product.list({ limit: 100, q: target.title })
    assert.ok(
      res.products.some((p) => p.id === target.id),
      `q=${target.title} finds ${target.handle}`
    )
    const none = await sdk.store.product.list({ q: "zz-no-product-matches-this-zz" })
    assert.equal(none.count, 0)
    assert.deepEqual(none.products, [])
  })

  test("limit/offset pages are stable and count does not depend on the page", async () => {
    const first = await sdk.store.product.list({ limit: 1, offset: 0 })
    const second = await sdk.store.product.list({ limit: 1, offset: 1 })
    const both = await sdk.store.product.list({ limit: 2, offset: 0 })
    const past = await sdk.store.product.list({ limit: 5, offset: all.length })
    for (const res of [first, second, both, past]) {
      assert.equal(res.count, all.length)
    }
    assert.equal(second.limit, 1)
    assert.equal(second.offset, 1)
    assert.equal(first.products.length, 1)
    assert.equal(second.products.length, 1)
    assert.notEqual(first.products[0].id, second.products[0].id)
    assert.deepEqual(
      both.products.map((p) => p.id),
      [first.products[0].id, second.products[0].id]
    )
    assert.deepEqual(past.products, [])
    assert.equal(new Set(all.map((p) => p.id)).size, all.length, "paging repeats no product")
  })

  test("fields=handle replaces the defaults: only id and handle", async () => {
    const res = await sdk.store.product.list({ limit: 100, offset: 0, fields: FIELDS.productHandles })
    assert.equal(res.count, all.length)
    for (const product of res.products) {
      assert.deepEqual(sortedKeys(product), ["handle", "id"])
    }
    assert.deepEqual(
      res.products.map((p) => p.handle).sort(),
      all.slice(0, 100).map((p) => p.handle).sort()
    )
  })

  test("retrieve by id: golden 06's shape, same product as the list", async () => {
    const target = all[0]
    const res = await sdk.store.product.retrieve(target.id, { region_id: region.id })
    // Medusa 2.21.2 also returns `categories` here (only their is_internal flag): optional.
    assertShape(res, golden("06-get-product"), { optional: ["categories"] })
    assert.equal(res.product.id, target.id)
    assert.equal(res.product.handle, target.handle)
    assert.deepEqual(
      res.product.variants.map((v) => v.id).sort(),
      target.variants.map((v) => v.id).sort()
    )
    assertPriced([res.product], region)
  })

  test("retrieve with the storefront's fields", async () => {
    const target = page.products[0]
    const res = await sdk.store.product.retrieve(target.id, {
      region_id: region.id,
      fields: FIELDS.product,
    })
    assertShape(res, golden("06-get-product"), {
      extra: STOREFRONT_EXTRA,
      optional: ["categories", "inventory_quantity"],
    })
    assertPriced([res.product], region)
    assertInventoryQuantities([res.product])
    assert.deepEqual(res.product.variants, target.variants)
  })

  test("retrieve: unknown id is a 404 FetchError", async () => {
    const id = "prod_01JZZZZZZZZZZZZZZZZZZZZZZZ"
    await rejectsWith(
      sdk.store.product.retrieve(id),
      404,
      `Product with id: ${id} was not found`
    )
  })

  test("an unknown region_id is a 400 (invalid_data)", async () => {
    const id = "reg_01JZZZZZZZZZZZZZZZZZZZZZZZ"
    await rejectsWith(
      sdk.store.product.list({ region_id: id }),
      400,
      `Region with id ${id} not found when populating the pricing context`
    )
  })
})
