// The storefront's cart journey with the real js-sdk, guest then logged in: create a cart, add,
// update and remove items, set email and addresses, list and pick a shipping option, register,
// log in and transfer the cart (../shared/clients/storefront-calls.txt). Each response is
// compared with Medusa 2.21.2's recorded one (golden 10 to 14).

import assert from "node:assert/strict"
import { before, describe, test } from "node:test"

import Medusa from "@medusajs/js-sdk"

import { assertShape, env, golden, raw, pk, rejectsWith, storeSdk } from "../lib/medusa.mjs"

// The starter's cart fields (GET /store/carts/:id), verbatim.
const CART_FIELDS =
  "*items, *region, *items.product, *items.variant, *items.thumbnail, *items.metadata, +items.total, *promotions, +shipping_methods.name"

// The starter's checkout address, verbatim (empty strings included).
const address = {
  first_name: "Walk",
  last_name: "Tester",
  address_1: "Nørregade 1",
  address_2: "",
  company: "",
  postal_code: "1165",
  city: "København",
  country_code: "dk",
  province: "",
  phone: "+4512345678",
}

// Keys a guest cart lacks: the recorded peer was logged in from step 12 on.
const GUEST = { optional: ["customer", "customer_id"] }

function customerSdk() {
  return new Medusa({
    baseUrl: env.baseUrl,
    publishableKey: env.publishableKey,
    auth: { type: "jwt", jwtTokenStorageMethod: "memory" },
  })
}

describe("store cart journey", () => {
  const sdk = storeSdk()
  let region
  let variants
  let cart

  before(async () => {
    const { regions } = await sdk.store.region.list()
    region = regions.find((r) => r.countries.some((c) => c.iso_2 === "dk"))
    assert.ok(region, "a region serving Denmark")
    const { products } = await sdk.store.product.list({ region_id: region.id, limit: 2 })
    variants = products.map((p) => p.variants[0])
    assert.equal(variants.length, 2)
  })

  test("create a cart (golden 10)", async () => {
    const res = await sdk.store.cart.create({ region_id: region.id })
    cart = res.cart
    assertShape(res, golden("10-create-cart"))
    assert.equal(cart.region_id, region.id)
    assert.equal(cart.currency_code, region.currency_code)
    assert.deepEqual(cart.items, [])
  })

  test("add, merge, update and remove items (golden 11)", async () => {
    let res = await sdk.store.cart.createLineItem(cart.id, {
      variant_id: variants[0].id,
      quantity: 2,
    })
    assertShape(res, golden("11-add-line-item"))
    const item = res.cart.items[0]
    assert.equal(item.unit_price, variants[0].calculated_price.calculated_amount)
    assert.equal(item.quantity, 2)

    res = await sdk.store.cart.createLineItem(cart.id, { variant_id: variants[0].id, quantity: 1 })
    assert.equal(res.cart.items.length, 1, "the same variant merges")
    assert.equal(res.cart.items[0].quantity, 3)

    res = await sdk.store.cart.createLineItem(cart.id, { variant_id: variants[1].id, quantity: 1 })
    assert.equal(res.cart.items.length, 2)
    const second = res.cart.items.find((i) => i.variant_id === variants[1].id)

    res = await sdk.store.cart.updateLineItem(cart.id, item.id, { quantity: 2 })
    assert.equal(res.cart.items.find((i) => i.id === item.id).quantity, 2)

    const deleted = await sdk.store.cart.deleteLineItem(cart.id, second.id)
    assert.equal(deleted.id, second.id)
    assert.equal(deleted.object, "line-item")
    assert.equal(deleted.deleted, true)
    assert.equal(deleted.parent.items.length, 1)
  })

  test("a client cannot set a price", async () => {
    const res = await raw(`/store/carts/${cart.id}/line-items`, {
      method: "POST",
      headers: pk(),
      body: { variant_id: variants[0].id, quantity: 1, unit_price: 0.01 },
    })
    assert.equal(res.status, 400)
    assert.deepEqual(res.body, {
      type: "invalid_data",
      message: "Invalid request: Unrecognized fields: 'unit_price'",
    })
  })

  test("email and addresses tax the cart (golden 12)", async () => {
    const res = await sdk.store.cart.update(cart.id, {
      email: "walk@example.com",
      shipping_address: address,
      billing_address: address,
    })
    assertShape(res, golden("12-update-cart-address"), GUEST)
    assert.equal(res.cart.email, "walk@example.com")
    assert.equal(res.cart.shipping_address.city, "København")
    assert.equal(res.cart.items[0].tax_lines.length, 1)
    assert.ok(res.cart.tax_total > 0)
    assert.equal(res.cart.total, res.cart.subtotal + res.cart.tax_total)
  })

  test("list and pick a shipping option (golden 13, 14)", async () => {
    const options = await sdk.store.fulfillment.listCartOptions({ cart_id: cart.id })
    assertShape(options, golden("13-list-shipping-options"))
    assert.ok(options.shipping_options.length > 0)
    const option = options.shipping_options[0]
    const res = await sdk.store.cart.addShippingMethod(cart.id, { option_id: option.id })
    assertShape(res, golden("14-add-shipping-method"), GUEST)
    assert.equal(res.cart.shipping_methods.length, 1)
    assert.equal(res.cart.shipping_methods[0].amount, option.amount)
    assert.equal(res.cart.shipping_subtotal, option.amount)

    const refetched = await sdk.store.cart.retrieve(cart.id, { fields: CART_FIELDS })
    assert.equal(refetched.cart.shipping_methods[0].name, option.name)
    assert.equal(typeof refetched.cart.items[0].total, "number")
    assert.equal(refetched.cart.items[0].variant.id, variants[0].id)
  })

  test("payment providers of the region", async () => {
    const { payment_providers } = await sdk.store.payment.listPaymentProviders({
      region_id: region.id,
    })
    assert.ok(payment_providers.some((p) => p.id === "pp_system_default"))
  })

  test("register, log in and transfer the cart", async () => {
    const customer = customerSdk()
    const email = `cart-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`
    await customer.auth.register("customer", "emailpass", { email, password: "cart-password" })
    await customer.store.customer.create({ email, first_name: "Walk", last_name: "Tester" })
    await customer.auth.login("customer", "emailpass", { email, password: "cart-password" })

    const res = await customer.store.cart.transferCart(cart.id)
    assertShape(res, golden("14-add-shipping-method"))
    assert.equal(res.cart.email, email)
    assert.equal(res.cart.customer.email, email)

    // Now the customer's: a guest holding the id sees nothing.
    await rejectsWith(sdk.store.cart.retrieve(cart.id), 404, `Cart id not found: ${cart.id}`)
    const mine = await customer.store.cart.retrieve(cart.id)
    assert.equal(mine.cart.id, cart.id)
  })
})
