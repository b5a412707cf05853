// The storefront's account journey with the real js-sdk: register, create the customer with
// the registration token (sdk.store.customer.create), log in again, read `me` with the
// starter's `fields=*orders`, then add, update and delete an address
// (../shared/clients/storefront-calls.txt).

import assert from "node:assert/strict"
import { before, describe, test } from "node:test"

import Medusa from "@medusajs/js-sdk"

import { env, raw, pk, rejectsWith } from "../lib/medusa.mjs"

/** A store client that keeps its JWT in memory (the starter keeps it in a cookie). */
function customerSdk() {
  return new Medusa({
    baseUrl: env.baseUrl,
    publishableKey: env.publishableKey,
    auth: { type: "jwt", jwtTokenStorageMethod: "memory" },
  })
}

function claims(token) {
  return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8"))
}

// A fresh email per run, so the suite can be pointed at a long-lived server.
const email = `walk-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`
const password = "conformance-password"

// The storefront's address body, verbatim.
const addressBody = {
  first_name: "Walk",
  last_name: "Customer",
  company: "",
  address_1: "Vesterbrogade 2",
  address_2: "",
  city: "København V",
  postal_code: "1620",
  province: "",
  country_code: "dk",
  phone: "+4511111111",
  is_default_billing: false,
  is_default_shipping: false,
}

describe("store customers", () => {
  const sdk = customerSdk()
  let customer
  let token

  before(async () => {
    const registration = await sdk.auth.register("customer", "emailpass", { email, password })
    assert.equal(claims(registration).actor_id, "", "a registration token names no actor yet")
    const created = await sdk.store.customer.create({
      email,
      first_name: "Walk",
      last_name: "Customer",
      phone: "+4587654321",
    })
    customer = created.customer
    token = await sdk.auth.login("customer", "emailpass", { email, password })
  })

  test("create: {customer} with an account, no addresses yet", () => {
    assert.match(customer.id, /^cus_/)
    assert.equal(customer.email, email)
    assert.equal(customer.has_account, true)
    assert.equal(customer.first_name, "Walk")
    assert.deepEqual(customer.addresses, [])
  })

  test("login: the new token names the customer", () => {
    assert.equal(typeof token, "string")
    const c = claims(token)
    assert.equal(c.actor_type, "customer")
    assert.equal(c.actor_id, customer.id)
    assert.deepEqual(c.app_metadata, { customer_id: customer.id })
  })

  test("me: the starter's fields=*orders, with the token sent explicitly as the starter does", async () => {
    const anonymous = customerSdk()
    const { customer: me } = await anonymous.store.customer.retrieve(
      { fields: "*orders" },
      { authorization: `Bearer ${token}` }
    )
    assert.equal(me.id, customer.id)
    assert.equal(me.email, email)
    assert.deepEqual(me.orders, [])
    assert.ok(Array.isArray(me.addresses), "the defaults (with *addresses) stay")
  })

  test("me: 401 {message: Unauthorized} without a customer", async () => {
    const res = await raw("/store/customers/me?fields=*orders", { headers: pk() })
    assert.equal(res.status, 401)
    assert.deepEqual(res.body, { message: "Unauthorized" })
    await rejectsWith(customerSdk().store.customer.retrieve(), 401)
  })

  test("create again with a customer's token: 400 as Medusa", async () => {
    const res = await raw("/store/customers", {
      method: "POST",
      headers: { ...pk(), authorization: `Bearer ${token}` },
      body: { email },
    })
    assert.equal(res.status, 400)
    assert.deepEqual(res.body, {
      type: "invalid_data",
      message: "Request already authenticated as a customer.",
    })
  })

  test("update me: {customer}", async () => {
    const { customer: updated } = await sdk.store.customer.update({ first_name: "Walker" })
    assert.equal(updated.first_name, "Walker")
    assert.equal(updated.last_name, "Customer")
  })

  test("addresses: add, update, list, retrieve and delete", async () => {
    const created = await sdk.store.customer.createAddress(addressBody)
    assert.deepEqual(Object.keys(created), ["customer"], "create answers {customer}")
    assert.equal(created.customer.addresses.length, 1)
    const address = created.customer.addresses[0]
    assert.match(address.id, /^cuaddr_/)
    assert.equal(address.customer_id, customer.id)
    assert.equal(address.city, "København V")
    assert.equal(address.is_default_shipping, false)

    const updated = await sdk.store.customer.updateAddress(address.id, {
      city: "Aarhus",
      is_default_shipping: true,
    })
    assert.deepEqual(Object.keys(updated), ["customer"], "update answers {customer}")
    const changed = updated.customer.addresses.find((a) => a.id === address.id)
    assert.equal(changed.city, "Aarhus")
    assert.equal(changed.is_default_shipping, true)
    assert.equal(changed.address_1, "Vesterbrogade 2")

    const listed = await sdk.store.customer.listAddress()
    assert.equal(listed.count, 1)
    assert.equal(listed.offset, 0)
    assert.equal(listed.limit, 50)
    assert.equal(listed.addresses[0].id, address.id)

    const { address: one } = await sdk.store.customer.retrieveAddress(address.id)
    assert.equal(one.id, address.id)
    assert.equal(one.city, "Aarhus")

    const deleted = await sdk.store.customer.deleteAddress(address.id)
    assert.equal(deleted.object, "address")
    assert.equal(deleted.deleted, true)
    assert.equal(deleted.parent.id, customer.id)
    assert.deepEqual(deleted.parent.addresses, [])
    await rejectsWith(
      sdk.store.customer.retrieveAddress(address.id),
      404,
      `Address with id: ${address.id} was not found`
    )
  })

  test("addresses: another customer's address is a 404", async () => {
    const { customer: withAddress } = await sdk.store.customer.createAddress(addressBody)
    const addressId = withAddress.addresses[0].id

    const other = customerSdk()
    const otherEmail = `other-${email}`
    await other.auth.register("customer", "emailpass", { email: otherEmail, password })
    await other.store.customer.create({ email: otherEmail })
    await other.auth.login("customer", "emailpass", { email: otherEmail, password })

    const message = `Address with id: ${addressId} was not found`
    await rejectsWith(other.store.customer.retrieveAddress(addressId), 404, message)
    await rejectsWith(other.store.customer.updateAddress(addressId, { city: "x" }), 404, message)
    await rejectsWith(other.store.customer.deleteAddress(addressId), 404, message)
    const { addresses } = await other.store.customer.listAddress()
    assert.deepEqual(addresses, [])
  })
})
