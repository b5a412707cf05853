// The admin side of the catalog as Medusa's dashboard drives it through the js-sdk: log in,
// create a product with options, variants and EUR/USD prices, publish it, put it in the
// publishable key's sales channel, and watch the store see it only when both hold.

import assert from "node:assert/strict"
import { before, describe, test } from "node:test"

import {
  FIELDS,
  FetchError,
  adminSdk,
  env,
  golden,
  loggedInAdmin,
  raw,
  rejectsWith,
  sortedKeys,
  storeSdk,
  unique,
} from "../lib/medusa.mjs"

const store = storeSdk()

function jwtClaims(token) {
  const parts = token.split(".")
  assert.equal(parts.length, 3, "a JWT has three parts")
  return JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"))
}

describe("admin auth", () => {
  test("login with email and password: {token}, a user JWT the sdk then sends", async () => {
    const res = await raw("/auth/user/emailpass", {
      method: "POST",
      body: { email: env.adminEmail, password: env.adminPassword },
    })
    assert.equal(res.status, golden("20-admin-login").status)
    assert.deepEqual(sortedKeys(res.body), ["token"])
    const claims = jwtClaims(res.body.token)
    assert.equal(claims.actor_type, "user")
    assert.match(claims.actor_id, /^user_/)
    assert.equal(claims.app_metadata?.user_id, claims.actor_id)

    const sdk = await loggedInAdmin()
    assert.equal(jwtClaims(await sdk.client.getToken()).actor_id, claims.actor_id)
    const { products } = await sdk.admin.product.list({ limit: 1 })
    assert.ok(Array.isArray(products))
  })

  test("a wrong password is a 401, as golden 21", async () => {
    const recorded = golden("21-admin-login-bad-password")
    const res = await raw("/auth/user/emailpass", {
      method: "POST",
      body: { email: env.adminEmail, password: `${env.adminPassword}-wrong` },
    })
    assert.equal(res.status, recorded.status)
    assert.deepEqual(res.body, recorded.body)

    const sdk = adminSdk()
    await rejectsWith(
      sdk.auth.login("user", "emailpass", { email: env.adminEmail, password: "wrong" }),
      401,
      recorded.body.message
    )
    // An unknown email gets the same answer (no account enumeration).
    await rejectsWith(
      sdk.auth.login("user", "emailpass", { email: "nobody@example.com", password: "wrong" }),
      401,
      recorded.body.message
    )
    assert.equal(await sdk.client.getToken(), "", "no token was kept")
  })

  test("admin routes without a token: 401 {message: 'Unauthorized'}, as golden 22", async () => {
    const recorded = golden("22-admin-unauthenticated")
    const res = await raw("/admin/products")
    assert.equal(res.status, recorded.status)
    assert.deepEqual(res.body, recorded.body)
    await rejectsWith(adminSdk().admin.product.list(), 401, "Unauthorized")
  })
})

describe("admin product lifecycle and store visibility", () => {
  const suffix = unique()
  const handle = `conformance-tee-${suffix}`
  const PRICES = { S: { eur: 10, usd: 12 }, M: { eur: 10.5, usd: 12.5 } }
  let admin
  let channel
  let regions
  let created

  before(async () => {
    admin = await loggedInAdmin()
    regions = (await store.store.region.list()).regions
  })

  async function storeSees(id) {
    const listed = await store.store.product.list({ id: [id] })
    let retrieved = true
    try {
      await store.store.product.retrieve(id)
    } catch (err) {
      if (!(err instanceof FetchError) || err.status !== 404) {
        throw err
      }
      retrieved = false
    }
    return { listed: listed.products.some((p) => p.id === id), retrieved }
  }

  const pricesOf = (variant) =>
    Object.fromEntries(variant.prices.map((p) => [p.currency_code, p.amount]))

  test("the key's sales channel, found as the dashboard lists channels", async () => {
    // GET /admin/sales-channels?fields=id,name&limit=1000 (dashboard-calls.txt)
    const res = await admin.admin.salesChannel.list({ fields: "id,name", limit: 1000 })
    assert.ok(res.sales_channels.length > 0, "the seed creates a sales channel")
    for (const sc of res.sales_channels) {
      assert.deepEqual(sortedKeys(sc), ["id", "name"])
      assert.match(sc.id, /^sc_/)
    }
    if (res.sales_channels.length === 1) {
      channel = res.sales_channels[0]
      return
    }
    // Several channels: the key's is the one holding the products the store shows.
    const { products } = await store.store.product.list({ limit: 1, fields: "id" })
    assert.equal(products.length, 1, "the store shows a seeded product")
    const { product } = await admin.admin.product.retrieve(products[0].id, {
      fields: "id,*sales_channels",
    })
    const candidates = res.sales_channels.filter((sc) =>
      product.sales_channels.some((s) => s.id === sc.id)
    )
    assert.equal(candidates.length, 1, "a seeded product is in exactly one listed channel")
    channel = candidates[0]
  })

  test("create a draft product with options, variants and EUR/USD prices", async () => {
    const res = await admin.admin.product.create({
      title: `Conformance Tee ${suffix}`,
      handle,
      description: "Created by the js-sdk conformance suite.",
      status: "draft",
      options: [{ title: "Size", values: ["S", "M"] }],
      variants: ["S", "M"].map((size) => ({
        title: size,
        sku: `${handle}-${size}`.toUpperCase(),
        manage_inventory: false,
        options: { Size: size },
        prices: [
          { amount: PRICES[size].eur, currency_code: "eur" },
          { amount: PRICES[size].usd, currency_code: "usd" },
        ],
      })),
    })
    assert.deepEqual(sortedKeys(res), ["product"])
    created = res.product
    assert.match(created.id, /^prod_/)
    assert.equal(created.handle, handle)
    assert.equal(created.status, "draft")
    assert.deepEqual(
      created.options.map((o) => [o.title, o.values.map((v) => v.value).sort()]),
      [["Size", ["M", "S"]]]
    )
    assert.equal(created.variants.length, 2)
    for (const variant of created.variants) {
      assert.match(variant.id, /^variant_/)
      assert.deepEqual(
        variant.options.map((o) => o.value),
        [variant.title]
      )
      assert.deepEqual(pricesOf(variant), PRICES[variant.title])
    }
  })

  test("admin.product.retrieve returns what was created", async () => {
    const { product } = await admin.admin.product.retrieve(created.id)
    assert.equal(product.id, created.id)
    assert.equal(product.title, created.title)
    assert.equal(product.status, "draft")
    assert.deepEqual(product.sales_channels, [])
    assert.deepEqual(
      product.variants.map((v) => [v.sku, pricesOf(v)]).sort(),
      created.variants.map((v) => [v.sku, PRICES[v.title]]).sort()
    )
  })

  test("a draft outside every channel is invisible to the store", async () => {
    assert.deepEqual(await storeSees(created.id), { listed: false, retrieved: false })
    await rejectsWith(
      store.store.product.retrieve(created.id),
      404,
      `Product with id: ${created.id} was not found`
    )
  })

  test("published but in no sales channel: still not retrievable", async () => {
    const { product } = await admin.admin.product.update(created.id, { status: "published" })
    assert.equal(product.status, "published")
    assert.equal((await storeSees(created.id)).retrieved, false)
  })

  test("published and in the key's channel: the store sees it, priced per region", async () => {
    const { product } = await admin.admin.product.update(created.id, {
      sales_channels: [{ id: channel.id }],
    })
    assert.deepEqual(
      product.sales_channels.map((sc) => sc.id),
      [channel.id]
    )
    assert.deepEqual(await storeSees(created.id), { listed: true, retrieved: true })

    const checked = []
    for (const currency of ["eur", "usd"]) {
      const region = regions.find((r) => r.currency_code === currency)
      if (!region) {
        continue
      }
      checked.push(currency)
      const res = await store.store.product.list({
        limit: 12,
        offset: 0,
        region_id: region.id,
        fields: FIELDS.product,
        handle,
      })
      assert.equal(res.count, 1)
      const [seen] = res.products
      assert.equal(seen.id, created.id)
      for (const variant of seen.variants) {
        const amount = PRICES[variant.title][currency]
        const price = variant.calculated_price
        assert.equal(price.calculated_amount, amount, `${variant.title} in ${currency}`)
        assert.equal(price.original_amount, amount)
        assert.equal(price.currency_code, currency)
        assert.deepEqual(price.raw_calculated_amount, { value: String(amount), precision: 20 })
        assert.equal(price.is_calculated_price_price_list, false)
        assert.equal(price.calculated_price.price_list_type, null)
        assert.equal(variant.inventory_quantity, undefined, "manage_inventory is off")
      }
      const { product: one } = await store.store.product.retrieve(created.id, {
        region_id: region.id,
      })
      assert.deepEqual(
        one.variants.map((v) => [v.title, v.calculated_price.calculated_amount]).sort(),
        Object.entries(PRICES)
          .map(([size, p]) => [size, p[currency]])
          .sort()
      )
    }
    assert.ok(checked.length > 0, "the seed has an EUR or a USD region")
  })

  test("taken out of the channel: not retrievable any more", async () => {
    await admin.admin.product.update(created.id, { sales_channels: [] })
    assert.equal((await storeSees(created.id)).retrieved, false)
  })

  test("back in the channel but draft: invisible again", async () => {
    const { product } = await admin.admin.product.update(created.id, {
      status: "draft",
      sales_channels: [{ id: channel.id }],
    })
    assert.equal(product.status, "draft")
    assert.deepEqual(await storeSees(created.id), { listed: false, retrieved: false })
  })
})

describe("admin product update with variants, and price lists the store sees", () => {
  const suffix = unique()
  const handle = `conformance-cap-${suffix}`
  let admin
  let channel
  let eur
  let product
  let list

  before(async () => {
    admin = await loggedInAdmin()
    eur = (await store.store.region.list()).regions.find((r) => r.currency_code === "eur")
    const { products } = await store.store.product.list({ limit: 1, fields: "id" })
    const { product: seeded } = await admin.admin.product.retrieve(products[0].id, {
      fields: "id,*sales_channels",
    })
    channel = seeded.sales_channels[0]
    product = (
      await admin.admin.product.create({
        title: `Conformance Cap ${suffix}`,
        handle,
        status: "published",
        sales_channels: [{ id: channel.id }],
        options: [{ title: "Color", values: ["Red", "Blue"] }],
        variants: ["Red", "Blue"].map((color) => ({
          title: color,
          manage_inventory: false,
          options: { Color: color },
          prices: [{ amount: 20, currency_code: "eur" }],
        })),
      })
    ).product
  })

  const priced = async () => {
    const { product: seen } = await store.store.product.retrieve(product.id, {
      region_id: eur.id,
    })
    return Object.fromEntries(
      seen.variants.map((v) => [v.title, v.calculated_price.calculated_amount])
    )
  }

  test("variants in the update body: kept ones update, new ones are created, others go", async () => {
    const red = product.variants.find((v) => v.title === "Red")
    const option = product.options[0]
    const { product: updated } = await admin.admin.product.update(product.id, {
      options: [{ id: option.id, title: "Color", values: ["Red", "Green"] }],
      variants: [
        { id: red.id, prices: [{ id: red.prices[0].id, amount: 18 }] },
        {
          title: "Green",
          manage_inventory: false,
          options: { Color: "Green" },
          prices: [{ amount: 22, currency_code: "eur" }],
        },
      ],
    })
    assert.deepEqual(updated.variants.map((v) => v.title).sort(), ["Green", "Red"])
    assert.deepEqual(updated.options[0].values.map((v) => v.value).sort(), ["Green", "Red"])
    assert.deepEqual(await priced(), { Red: 18, Green: 22 })
    product = updated
  })

  test("a price list's batch prices reach the store, and leave it when deleted", async () => {
    if (!eur) {
      return
    }
    const red = product.variants.find((v) => v.title === "Red")
    list = (
      await admin.admin.priceList.create({
        title: `Conformance sale ${suffix}`,
        description: "js-sdk",
        status: "active",
        type: "sale",
      })
    ).price_list
    const batch = await admin.admin.priceList.batchPrices(list.id, {
      create: [{ variant_id: red.id, amount: 5, currency_code: "eur" }],
    })
    assert.deepEqual(sortedKeys(batch), ["created", "deleted", "updated"])
    assert.equal(batch.created[0].variant_id, red.id)
    assert.deepEqual(await priced(), { Red: 5, Green: 22 })

    const { price_list } = await admin.admin.priceList.retrieve(list.id)
    assert.deepEqual(
      price_list.prices.map((p) => [p.variant_id, p.amount]),
      [[red.id, 5]]
    )

    const removed = await admin.admin.priceList.batchPrices(list.id, {
      delete: [batch.created[0].id],
    })
    assert.deepEqual(removed.deleted, {
      ids: [batch.created[0].id],
      object: "price",
      deleted: true,
    })
    assert.deepEqual(await priced(), { Red: 18, Green: 22 })

    const gone = await admin.admin.priceList.delete(list.id)
    assert.deepEqual(gone, { id: list.id, object: "price_list", deleted: true })
    await rejectsWith(
      admin.admin.priceList.retrieve(list.id),
      404,
      `Price list with id: ${list.id} was not found`
    )
  })

  test("collections and categories take products through add/remove", async () => {
    const { collection } = await admin.admin.productCollection.create({
      title: `Conformance ${suffix}`,
    })
    const res = await admin.admin.productCollection.updateProducts(collection.id, {
      add: [product.id],
    })
    assert.equal(res.collection.id, collection.id)
    const listed = await store.store.product.list({ collection_id: [collection.id] })
    assert.deepEqual(
      listed.products.map((p) => p.id),
      [product.id]
    )
    await admin.admin.productCollection.updateProducts(collection.id, { remove: [product.id] })
    assert.equal((await store.store.product.list({ collection_id: [collection.id] })).count, 0)
  })
})
