// GET /store/product-categories and /store/collections with the storefront's query strings
// (../shared/clients/storefront-calls.txt); categories compared with golden 08.

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

// Medusa's default store collection fields (api/store/collections/query-config.ts); newer
// releases add external_id.
const COLLECTION = {
  id: "<pcol_1>",
  title: "",
  handle: "",
  created_at: "<timestamp>",
  updated_at: "<timestamp>",
}
const COLLECTION_LIST = { collections: [COLLECTION], count: 0, offset: 0, limit: 0 }

describe("store product categories", () => {
  let tree

  before(async () => {
    // The storefront's navigation: fields=..&limit=100
    tree = await sdk.store.category.list({ fields: FIELDS.categoryTree, limit: 100 })
  })

  test("list, default fields: golden 08", async () => {
    const res = await sdk.store.category.list()
    assertShape(res, golden("08-list-categories"))
    assert.equal(res.offset, 0)
    assert.equal(res.limit, 50, "Medusa's default page size for categories")
    assert.ok(res.product_categories.length > 0, "the seed creates categories")
    assert.equal(res.count, res.product_categories.length)
  })

  test("list with the storefront's tree fields", () => {
    assertShape(tree, golden("08-list-categories"), {
      extra: { "$.product_categories[]": { products: [] } },
    })
    assert.equal(tree.limit, 100)
    assert.equal(tree.offset, 0)
    assert.ok(tree.product_categories.length > 0, "the seed creates categories")
    const byId = new Map(tree.product_categories.map((c) => [c.id, c]))
    for (const category of tree.product_categories) {
      for (const product of category.products) {
        assert.match(product.id, /^prod_/)
      }
      for (const child of category.category_children) {
        assert.equal(child.parent_category_id, category.id)
      }
      if (category.parent_category_id === null) {
        assert.equal(category.parent_category, null)
      } else {
        assert.equal(category.parent_category.id, category.parent_category_id)
        // *parent_category.parent_category: the grandparent (or null) is expanded too.
        assert.ok("parent_category" in category.parent_category)
        assert.ok(byId.has(category.parent_category_id), "a visible category's parent is listed")
      }
    }
  })

  test("filter by handle with fields=*category_children, *products", async () => {
    assert.ok(tree.product_categories.length > 0, "the seed creates categories")
    for (const category of tree.product_categories) {
      const res = await sdk.store.category.list({
        fields: FIELDS.categoryByHandle,
        handle: category.handle,
      })
      assert.equal(res.count, 1)
      assert.equal(res.product_categories.length, 1)
      const found = res.product_categories[0]
      assert.equal(found.id, category.id)
      assert.equal(found.handle, category.handle)
      assert.deepEqual(
        found.products.map((p) => p.id).sort(),
        category.products.map((p) => p.id).sort()
      )
      assert.deepEqual(
        found.category_children.map((c) => c.id).sort(),
        category.category_children.map((c) => c.id).sort()
      )
    }
  })

  test("retrieve: {product_category}", async () => {
    const listed = (await sdk.store.category.list()).product_categories[0]
    assert.ok(listed, "the seed creates categories")
    const res = await sdk.store.category.retrieve(listed.id)
    assert.deepEqual(sortedKeys(res), ["product_category"])
    assert.deepEqual(res.product_category, listed)
    await rejectsWith(sdk.store.category.retrieve("pcat_01JZZZZZZZZZZZZZZZZZZZZZZZ"), 404)
  })
})

describe("store collections", () => {
  let listed

  before(async () => {
    // The storefront's collection list: limit=100&offset=0
    listed = await sdk.store.collection.list({ limit: 100, offset: 0 })
  })

  test("list: {collections, count, offset, limit} with Medusa's default fields", async () => {
    assertShape(listed, COLLECTION_LIST, { optional: ["external_id"] })
    assert.equal(listed.limit, 100)
    assert.equal(listed.offset, 0)
    assert.ok(listed.collections.length > 0, "the seed creates at least one collection")
    assert.equal(listed.count, listed.collections.length)
    const byDefault = await sdk.store.collection.list()
    assert.equal(byDefault.limit, 10, "Medusa's default page size for collections")
    assert.equal(byDefault.count, listed.count)
  })

  test("fields=id, handle, title replaces the defaults", async () => {
    const res = await sdk.store.collection.list({
      fields: FIELDS.collectionSummary,
      limit: 100,
      offset: 0,
    })
    assert.equal(res.count, listed.count)
    assert.ok(res.collections.length > 0, "the seed creates at least one collection")
    for (const collection of res.collections) {
      assert.deepEqual(sortedKeys(collection), ["handle", "id", "title"])
    }
  })

  test("fields=*products adds the collection's products", async () => {
    const res = await sdk.store.collection.list({
      fields: FIELDS.collectionProducts,
      limit: 100,
      offset: 0,
    })
    assertShape(res, COLLECTION_LIST, {
      optional: ["external_id"],
      extra: { "$.collections[]": { products: [] } },
    })
    assert.ok(res.collections.length > 0, "the seed creates at least one collection")
    for (const collection of res.collections) {
      for (const product of collection.products) {
        assert.match(product.id, /^prod_/)
        assert.equal(product.collection_id, collection.id)
      }
    }
  })

  test("filter by handle with fields=*products (the collection page)", async () => {
    assert.ok(listed.collections.length > 0, "the seed creates at least one collection")
    const visible = await allStoreProducts(sdk)
    for (const collection of listed.collections) {
      const res = await sdk.store.collection.list({
        handle: collection.handle,
        fields: FIELDS.collectionProducts,
      })
      assert.equal(res.count, 1)
      const found = res.collections[0]
      assert.equal(found.id, collection.id)
      assert.equal(found.handle, collection.handle)
      const members = new Set(found.products.map((p) => p.id))
      for (const product of visible.filter((p) => p.collection_id === collection.id)) {
        assert.ok(members.has(product.id), `${product.handle} is in ${collection.handle}`)
      }
    }
  })

  test("retrieve: {collection}", async () => {
    const first = listed.collections[0]
    assert.ok(first, "the seed creates at least one collection")
    const res = await sdk.store.collection.retrieve(first.id)
    assert.deepEqual(sortedKeys(res), ["collection"])
    assert.deepEqual(res.collection, first)
    await rejectsWith(sdk.store.collection.retrieve("pcol_01JZZZZZZZZZZZZZZZZZZZZZZZ"), 404)
  })
})
