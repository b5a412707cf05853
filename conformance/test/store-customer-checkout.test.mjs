// The storefront's logged-in purchase with the real js-sdk: register and create the customer,
// log in, then the same cart steps as a guest but with the customer's token (the cart belongs
// to the customer), complete, and the account pages: `sdk.store.order.list` and `retrieve`
// with the starter's exact `fields` strings (../shared/clients/storefront-calls.txt).
// Compared with Medusa 2.21.2's recorded responses (golden 15 to 19; the recorded peer was
// logged in, so the cart and order carry a customer here).

import assert from "node:assert/strict"
import { before, describe, test } from "node:test"

import Medusa from "@medusajs/js-sdk"

import { assertShape, env, golden, raw, pk, rejectsWith } from "../lib/medusa.mjs"

/** A store client that keeps its JWT in memory (the starter keeps it in a cookie). */
function customerSdk() {
  return new Medusa({
    baseUrl: env.baseUrl,
    publishableKey: env.publishableKey,
    auth: { type: "jwt", jwtTokenStorageMethod: "memory" },
  })
}

const address = {
  first_name: "Walk",
  last_name: "Customer",
  address_1: "Nørregade 1",
  address_2: "",
  company: "",
  postal_code: "1165",
  city: "København",
  country_code: "dk",
  province: "",
  phone: "+4512345678",
}

// The starter's fields, verbatim: the account's order list and the order page.
const LIST_FIELDS = "*items,+items.metadata,*items.variant,*items.product"
const ORDER_FIELDS = "*payment_collections.payments,*items,*items.metadata,*items.variant,*items.product"

const password = "conformance-password"
const freshEmail = (who) => `${who}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`

/** Registers, creates the customer with the registration token and logs in, as the starter. */
async function registeredCustomer(sdk, email) {
  await sdk.auth.register("customer", "emailpass", { email, password })
  const { customer } = await sdk.store.customer.create({
    email,
    first_name: "Walk",
    last_name: "Customer",
    phone: "+4587654321",
  })
  const token = await sdk.auth.login("customer", "emailpass", { email, password })
  assert.equal(typeof token, "string")
  return { customer, token }
}

describe("logged-in checkout and the account's orders", () => {
  const sdk = customerSdk()
  const email = freshEmail("buyer")
  let customer
  let token
  let cart
  let order
  let secondOrder

  before(async () => {
    ;({ customer, token } = await registeredCustomer(sdk, email))
    const { regions } = await sdk.store.region.list()
    const region = regions.find((r) => r.countries.some((c) => c.iso_2 === "dk"))
    const { products } = await sdk.store.product.list({ region_id: region.id, limit: 1 })
    // The starter creates the cart with the customer's token and only a region.
    ;({ cart } = await sdk.store.cart.create({ region_id: region.id }))
    assert.equal(cart.customer_id, customer.id, "a cart created while logged in is the customer's")
    ;({ cart } = await sdk.store.cart.createLineItem(cart.id, {
      variant_id: products[0].variants[0].id,
      quantity: 1,
    }))
    // The starter's cart page changes the quantity (customer-cart step).
    ;({ cart } = await sdk.store.cart.updateLineItem(cart.id, cart.items[0].id, { quantity: 2 }))
    await sdk.store.cart.update(cart.id, {
      shipping_address: address,
      email,
      billing_address: address,
    })
    const { shipping_options } = await sdk.store.fulfillment.listCartOptions({ cart_id: cart.id })
    ;({ cart } = await sdk.store.cart.addShippingMethod(cart.id, { option_id: shipping_options[0].id }))
  })

  test("payment collection and session as the customer (golden 16)", async () => {
    const res = await sdk.store.payment.initiatePaymentSession(cart, {
      provider_id: "pp_system_default",
    })
    // Golden 16 was recorded as a guest (`context: {}`); a customer's session context names the
    // customer (README, deliberate differences).
    assertShape(res, golden("16-init-payment-session"), {
      extra: { "$.payment_collection.payment_sessions[].context": { customer: null } },
    })
    assert.equal(res.payment_collection.payment_sessions[0].context.customer.id, customer.id)
    assert.equal(res.payment_collection.amount, cart.total)
    assert.equal(res.payment_collection.payment_sessions.length, 1)
  })

  test("complete: the order is the customer's (golden 17, 18)", async () => {
    const res = await sdk.store.cart.complete(cart.id)
    assert.equal(res.type, "order", JSON.stringify(res))
    order = res.order
    assertShape(res, golden("17-complete-cart"))
    assert.equal(order.email, email)
    assert.equal(order.items[0].quantity, 2)
    assert.equal(order.total, cart.total)

    const after = await sdk.store.cart.retrieve(cart.id)
    assertShape(after, golden("18-get-cart-after-complete"), {
      extra: { "$.cart.payment_collection.payment_sessions[].context": { customer: null } },
    })
    assert.equal(after.cart.customer_id, customer.id)
    assert.ok(after.cart.completed_at)
  })

  test("the order page with the starter's fields (golden 19)", async () => {
    const res = await sdk.store.order.retrieve(order.id, { fields: ORDER_FIELDS })
    assert.equal(res.order.id, order.id)
    assert.equal(res.order.payment_collections[0].payments.length, 1)
    assert.ok(res.order.items[0].variant, "*items.variant expands the variant")
    assert.ok(res.order.items[0].product, "*items.product expands the product")
    const plain = await sdk.store.order.retrieve(order.id)
    assertShape(plain, golden("19-store-get-order"))
    // Not a default field (golden 19), but the order is the customer's.
    const owner = await sdk.store.order.retrieve(order.id, { fields: "id,customer_id" })
    assert.equal(owner.order.customer_id, customer.id)
  })

  test("the account's orders: list as the starter asks, newest first", async () => {
    const res = await sdk.store.order.list({
      limit: 10,
      offset: 0,
      order: "-created_at",
      fields: LIST_FIELDS,
    })
    assert.deepEqual(Object.keys(res).sort(), ["count", "limit", "offset", "orders"])
    assert.equal(res.count, 1, "only this customer's orders")
    assert.equal(res.limit, 10)
    assert.equal(res.offset, 0)
    const [listed] = res.orders
    assert.equal(listed.id, order.id)
    assert.equal(listed.items.length, 1)
    assert.ok(listed.items[0].variant)
    assert.ok(listed.items[0].product)

    // A second order: the list is newest first and counts both.
    const { regions } = await sdk.store.region.list()
    const region = regions.find((r) => r.countries.some((c) => c.iso_2 === "dk"))
    const { products } = await sdk.store.product.list({ region_id: region.id, limit: 1 })
    let { cart: second } = await sdk.store.cart.create({ region_id: region.id })
    await sdk.store.cart.createLineItem(second.id, { variant_id: products[0].variants[0].id, quantity: 1 })
    await sdk.store.cart.update(second.id, { email, shipping_address: address, billing_address: address })
    const { shipping_options } = await sdk.store.fulfillment.listCartOptions({ cart_id: second.id })
    ;({ cart: second } = await sdk.store.cart.addShippingMethod(second.id, { option_id: shipping_options[0].id }))
    await sdk.store.payment.initiatePaymentSession(second, { provider_id: "pp_system_default" })
    const placed = await sdk.store.cart.complete(second.id)
    assert.equal(placed.type, "order")
    secondOrder = placed.order
    const both = await sdk.store.order.list({ limit: 10, offset: 0, order: "-created_at", fields: LIST_FIELDS })
    assert.equal(both.count, 2)
    assert.deepEqual(
      both.orders.map((o) => o.id),
      [placed.order.id, order.id]
    )
    const paged = await sdk.store.order.list({ limit: 1, offset: 1, order: "-created_at", fields: LIST_FIELDS })
    assert.equal(paged.count, 2)
    assert.deepEqual(paged.orders.map((o) => o.id), [order.id])
  })

  test("me with the starter's fields=*orders lists the customer's orders", async () => {
    // The starter reads `me` with exactly this on every page (storefront-calls.txt).
    const { customer: me } = await sdk.store.customer.retrieve({ fields: "*orders" })
    assert.equal(me.id, customer.id)
    assert.equal(me.email, email, "the default fields stay")
    // Medusa's read-only order-customer link: every order of the customer, oldest first, with
    // the order's own columns (no totals, items or summary).
    assert.deepEqual(
      me.orders.map((o) => o.id),
      [order.id, secondOrder.id]
    )
    const [first] = me.orders
    assert.equal(first.customer_id, customer.id)
    assert.equal(first.display_id, order.display_id)
    assert.equal(first.email, email)
    assert.equal(first.currency_code, order.currency_code)
    assert.equal(first.status, "pending")
    assert.deepEqual(first.shipping_address, { id: first.shipping_address_id })
    assert.equal(first.total, undefined)
    assert.equal(first.items, undefined)

    // Without `orders` in `fields`, no `orders` key (Medusa's default store customer fields).
    const { customer: plain } = await sdk.store.customer.retrieve()
    assert.equal(plain.orders, undefined)

    // Another customer's `me` does not show these orders.
    const other = customerSdk()
    await registeredCustomer(other, freshEmail("other-me"))
    const { customer: theirs } = await other.store.customer.retrieve({ fields: "*orders" })
    assert.deepEqual(theirs.orders, [])
  })

  test("orders are private: no token is 401 for the list, another customer gets 404", async () => {
    const anonymous = await raw("/store/orders?limit=10&offset=0&order=-created_at", { headers: pk() })
    assert.equal(anonymous.status, 401, anonymous.text)

    const other = customerSdk()
    await registeredCustomer(other, freshEmail("other"))
    const theirs = await other.store.order.list({ limit: 10, offset: 0, order: "-created_at", fields: LIST_FIELDS })
    assert.equal(theirs.count, 0)
    assert.deepEqual(theirs.orders, [])
    await rejectsWith(other.store.order.retrieve(order.id, { fields: ORDER_FIELDS }), 404)
  })
})
