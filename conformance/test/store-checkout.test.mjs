// The storefront's checkout with the real js-sdk, then the admin's order steps (the dashboard's
// calls): payment collection and session (initiatePaymentSession), complete, the confirmation
// page's order, then list/get the order, capture the payment, fulfil, ship. Each response is
// compared with Medusa 2.21.2's recorded one (golden 15 to 19, 24 to 30).

import assert from "node:assert/strict"
import { before, describe, test } from "node:test"

import { assertShape, golden, loggedInAdmin, storeSdk } from "../lib/medusa.mjs"

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

// The starter's order confirmation fields, verbatim.
const ORDER_FIELDS = "*payment_collections.payments,*items,*items.metadata,*items.variant,*items.product"

// A guest cart: the recorded peer was logged in.
const GUEST = { optional: ["customer", "customer_id"] }

describe("checkout and the admin's order steps", () => {
  const sdk = storeSdk()
  let admin
  let cart
  let order

  before(async () => {
    admin = await loggedInAdmin()
    const { regions } = await sdk.store.region.list()
    const region = regions.find((r) => r.countries.some((c) => c.iso_2 === "dk"))
    const { products } = await sdk.store.product.list({ region_id: region.id, limit: 1 })
    ;({ cart } = await sdk.store.cart.create({ region_id: region.id }))
    await sdk.store.cart.createLineItem(cart.id, { variant_id: products[0].variants[0].id, quantity: 2 })
    await sdk.store.cart.update(cart.id, {
      email: "walk@example.com",
      shipping_address: address,
      billing_address: address,
    })
    const { shipping_options } = await sdk.store.fulfillment.listCartOptions({ cart_id: cart.id })
    ;({ cart } = await sdk.store.cart.addShippingMethod(cart.id, { option_id: shipping_options[0].id }))
  })

  test("payment collection and session (golden 15, 16)", async () => {
    const res = await sdk.store.payment.initiatePaymentSession(cart, {
      provider_id: "pp_system_default",
    })
    assertShape(res, golden("16-init-payment-session"))
    const collection = res.payment_collection
    assert.equal(collection.amount, cart.total, "the collection asks for the cart's total")
    assert.equal(collection.payment_sessions.length, 1)
    assert.equal(collection.payment_sessions[0].status, "pending")
    ;({ cart } = await sdk.store.cart.retrieve(cart.id))
    assert.equal(cart.payment_collection.id, collection.id)
  })

  test("complete the cart (golden 17, 18)", async () => {
    const res = await sdk.store.cart.complete(cart.id)
    assert.equal(res.type, "order", JSON.stringify(res))
    order = res.order
    assertShape(res, golden("17-complete-cart"))
    assert.equal(order.total, cart.total)
    assert.equal(order.email, "walk@example.com")
    assert.ok(Number.isInteger(order.display_id))

    const again = await sdk.store.cart.complete(cart.id)
    assert.equal(again.order.id, order.id, "completing twice answers the same order")

    const after = await sdk.store.cart.retrieve(cart.id)
    assertShape(after, golden("18-get-cart-after-complete"), GUEST)
    assert.ok(after.cart.completed_at)
  })

  test("the confirmation page's order (golden 19)", async () => {
    const res = await sdk.store.order.retrieve(order.id, { fields: ORDER_FIELDS })
    assert.equal(res.order.id, order.id)
    assert.equal(res.order.payment_collections[0].payments.length, 1)
    const plain = await sdk.store.order.retrieve(order.id)
    assertShape(plain, golden("19-store-get-order"))
  })

  test("admin: list, get and capture (golden 24, 25, 26)", async () => {
    const list = await admin.admin.order.list({ limit: 20, order: "-created_at" })
    assertShape(list, golden("24-admin-list-orders"))
    assert.ok(list.orders.some((o) => o.id === order.id))

    const { order: full } = await admin.admin.order.retrieve(order.id, {
      fields: "*payment_collections,*payment_collections.payments,*items,*fulfillments",
    })
    assertShape({ order: full }, golden("25-admin-get-order"))
    const payment = full.payment_collections[0].payments[0]
    const captured = await admin.admin.payment.capture(payment.id, {})
    assertShape(captured, golden("26-admin-capture-payment"))
    assert.equal(captured.payment.captures.length, 1)
    // Medusa: capturing a fully captured payment changes nothing.
    const again = await admin.admin.payment.capture(payment.id, {})
    assert.equal(again.payment.captures.length, 1)
  })

  test("admin: fulfil and ship (golden 27 to 30)", async () => {
    const { order: full } = await admin.admin.order.retrieve(order.id, { fields: "*items" })
    const items = full.items.map((i) => ({ id: i.id, quantity: i.quantity }))
    const { stock_locations } = await admin.admin.stockLocation.list()
    const created = await admin.admin.order.createFulfillment(order.id, {
      items,
      location_id: stock_locations[0].id,
    })
    assertShape(created, golden("27-admin-create-fulfillment"))
    const withFulfillments = await admin.admin.order.retrieve(order.id, {
      fields: "id,fulfillment_status,*fulfillments,*fulfillments.items",
    })
    assertShape(withFulfillments, golden("28-admin-get-order-fulfillments"))
    assert.equal(withFulfillments.order.fulfillment_status, "fulfilled")
    const fulfillment = withFulfillments.order.fulfillments[0]
    // Medusa copies the order's shipping address into the fulfilment (golden 27, 28).
    assert.match(fulfillment.delivery_address_id, /^fuladdr_/)
    assert.equal(fulfillment.delivery_address.id, fulfillment.delivery_address_id)
    const shipped = await admin.admin.order.createShipment(order.id, fulfillment.id, { items })
    assertShape(shipped, golden("29-admin-create-shipment"))
    const final = await admin.admin.order.retrieve(order.id)
    assertShape(final, golden("30-admin-get-order-final"))
    assert.equal(final.order.fulfillment_status, "shipped")
    assert.equal(final.order.payment_status, "captured")
  })
})
