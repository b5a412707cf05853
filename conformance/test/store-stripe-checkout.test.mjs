// The storefront's Stripe checkout (medusa-api.md §4.5) with the real js-sdk, against the Stripe
// stand-in `cargo xtask conformance` runs (crates/testkit, `fake-stripe`): the session's
// PaymentIntent and its `client_secret` reach the storefront, the stand-in confirms it as
// Stripe.js would in the browser, the cart completes into an order, and the delayed capture
// (`CAPTURE_DELAY`) captures it exactly once. Every call the api made to "Stripe" is counted.
//
// Needs STRIPE_STANDIN_URL (the stand-in's controls: GET /__calls, GET /__intents/:id,
// POST /__confirm/:id); skipped without it, e.g. against a real Medusa. CAPTURE_DELAY_SECONDS,
// when set, is the server's CAPTURE_DELAY: the test then also checks the capture waits for it.

import assert from "node:assert/strict"
import { before, describe, test } from "node:test"

import { loggedInAdmin, storeSdk } from "../lib/medusa.mjs"

const STANDIN = process.env.STRIPE_STANDIN_URL?.replace(/\/$/, "")
const CAPTURE_DELAY_SECONDS = Number(process.env.CAPTURE_DELAY_SECONDS ?? "0")
// How long to wait for the capture beyond the delay (the job loop polls every second or so).
const CAPTURE_TIMEOUT_MS = (CAPTURE_DELAY_SECONDS + 30) * 1000
const PROVIDER = "pp_stripe_stripe"

const address = {
  first_name: "Stripe",
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

async function standIn(path, method = "GET") {
  const res = await fetch(`${STANDIN}${path}`, { method })
  const body = await res.json()
  assert.equal(res.status, 200, `${method} ${path}: ${JSON.stringify(body)}`)
  return body
}

/** The stand-in's log of calls to Stripe's API concerning one PaymentIntent. */
async function callsFor(intentId) {
  const calls = await standIn("/__calls")
  return calls.filter(
    (c) =>
      c.path === `/v1/payment_intents/${intentId}` ||
      c.path.startsWith(`/v1/payment_intents/${intentId}/`) ||
      c.form.payment_intent === intentId
  )
}

const count = (calls, method, suffix = "") =>
  calls.filter((c) => c.method === method && c.path.endsWith(suffix)).length

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

const skip = STANDIN
  ? false
  : "STRIPE_STANDIN_URL is not set: the Stripe journey needs the Stripe stand-in that `cargo xtask conformance` starts"

describe("Stripe checkout: client secret, confirmation, order, delayed capture", { skip }, () => {
  const sdk = storeSdk()
  let admin
  let cart
  let session
  let intentId
  let order
  let completedAt

  before(async () => {
    admin = await loggedInAdmin()
    const { regions } = await sdk.store.region.list()
    const region = regions.find((r) => r.countries.some((c) => c.iso_2 === "dk"))
    assert.ok(region, "a seeded region ships to dk")
    const { products } = await sdk.store.product.list({ region_id: region.id, limit: 1 })
    ;({ cart } = await sdk.store.cart.create({ region_id: region.id }))
    await sdk.store.cart.createLineItem(cart.id, { variant_id: products[0].variants[0].id, quantity: 1 })
    await sdk.store.cart.update(cart.id, {
      email: "stripe@example.com",
      shipping_address: address,
      billing_address: address,
    })
    const { shipping_options } = await sdk.store.fulfillment.listCartOptions({ cart_id: cart.id })
    ;({ cart } = await sdk.store.cart.addShippingMethod(cart.id, { option_id: shipping_options[0].id }))
  })

  test("the region offers pp_stripe_stripe", async () => {
    const { payment_providers } = await sdk.store.payment.listPaymentProviders({
      region_id: cart.region_id,
    })
    const ids = payment_providers.map((p) => p.id)
    assert.ok(ids.includes(PROVIDER), JSON.stringify(ids))
    assert.ok(ids.includes("pp_system_default"), JSON.stringify(ids))
  })

  test("the session's PaymentIntent and its client_secret reach the storefront", async () => {
    const res = await sdk.store.payment.initiatePaymentSession(cart, { provider_id: PROVIDER })
    const collection = res.payment_collection
    assert.equal(collection.amount, cart.total)
    assert.equal(collection.payment_sessions.length, 1)
    session = collection.payment_sessions[0]
    assert.equal(session.provider_id, PROVIDER)
    assert.equal(session.status, "pending")
    intentId = session.data.id
    assert.match(intentId, /^pi_/)

    const intent = await standIn(`/__intents/${intentId}`)
    assert.equal(intent.status, "requires_payment_method")
    assert.equal(intent.capture_method, "manual")
    assert.equal(intent.currency, cart.currency_code)
    // EUR: two decimals.
    assert.equal(intent.amount, Math.round(cart.total * 100))
    assert.equal(intent.metadata.session_id, session.id, "how webhooks find the session")
    assert.equal(session.data.client_secret, intent.client_secret)

    // The starter re-reads the cart and takes the pending session's client secret.
    const { cart: reread } = await sdk.store.cart.retrieve(cart.id, {
      fields: "*payment_collection.payment_sessions",
    })
    const pending = reread.payment_collection.payment_sessions.find((s) => s.status === "pending")
    assert.equal(pending.id, session.id)
    assert.equal(pending.data.client_secret, intent.client_secret)

    const calls = await callsFor(intentId)
    const created = (await standIn("/__calls")).filter(
      (c) => c.method === "POST" && c.path === "/v1/payment_intents" && c.form["metadata[session_id]"] === session.id
    )
    assert.equal(created.length, 1, "one PaymentIntent created for the session")
    assert.equal(created[0].idempotency_key, `session:${session.id}`)
    assert.deepEqual(created[0].outcome, { answered: 200 })
    assert.equal(calls.length, 0, `no other call on the intent yet: ${JSON.stringify(calls)}`)
  })

  test("the browser confirms the PaymentIntent (Stripe.js): requires_capture", async () => {
    const intent = await standIn(`/__confirm/${intentId}`, "POST")
    assert.equal(intent.status, "requires_capture")
    assert.equal(intent.amount_capturable, intent.amount)
  })

  test("complete the cart: an order, authorized and not yet captured", async () => {
    // Before the request: the order is placed, and its capture scheduled, after this.
    completedAt = Date.now()
    const res = await sdk.store.cart.complete(cart.id)
    assert.equal(res.type, "order", JSON.stringify(res))
    order = res.order
    assert.equal(order.total, cart.total)
    assert.equal(order.email, "stripe@example.com")

    const calls = await callsFor(intentId)
    // Authorizing reads the PaymentIntent once; nothing moves money at completion.
    assert.equal(count(calls, "GET"), 1, JSON.stringify(calls))
    assert.equal(count(calls, "POST", "/capture"), 0, "no capture before the delay")
    assert.equal(calls.length, 1, JSON.stringify(calls))
    const intent = await standIn(`/__intents/${intentId}`)
    assert.equal(intent.status, "requires_capture")

    const { order: placed } = await admin.admin.order.retrieve(order.id, {
      fields: "id,payment_status,*payment_collections,*payment_collections.payments",
    })
    if (Date.now() - completedAt < CAPTURE_DELAY_SECONDS * 1000) {
      assert.equal(placed.payment_status, "authorized")
    }
    const payments = placed.payment_collections[0].payments
    assert.equal(payments.length, 1)
    assert.equal(payments[0].provider_id, PROVIDER)
    assert.equal(payments[0].data.id, intentId)
  })

  test("after CAPTURE_DELAY the payment is captured, exactly once at Stripe", { timeout: CAPTURE_TIMEOUT_MS + 15000 }, async () => {
    let placed
    for (const deadline = Date.now() + CAPTURE_TIMEOUT_MS; ; ) {
      ;({ order: placed } = await admin.admin.order.retrieve(order.id, {
        fields: "id,total,payment_status,*payment_collections,*payment_collections.payments",
      }))
      if (placed.payment_status === "captured") {
        break
      }
      assert.ok(
        Date.now() < deadline,
        `not captured ${CAPTURE_TIMEOUT_MS} ms after completion: ${placed.payment_status}`
      )
      await sleep(500)
    }
    const capturedAfter = Date.now() - completedAt
    if (CAPTURE_DELAY_SECONDS > 0) {
      assert.ok(
        capturedAfter >= CAPTURE_DELAY_SECONDS * 1000,
        `captured ${capturedAfter} ms after completion, before CAPTURE_DELAY`
      )
    }

    const { payment } = await admin.admin.payment.retrieve(placed.payment_collections[0].payments[0].id, {
      fields: "*captures",
    })
    assert.ok(payment.captured_at, "the payment records its capture")
    assert.equal(payment.captures.length, 1)
    assert.equal(payment.captures[0].amount, placed.total)

    const intent = await standIn(`/__intents/${intentId}`)
    assert.equal(intent.status, "succeeded")
    assert.equal(intent.amount_received, Math.round(placed.total * 100))

    // Two more poll rounds of the job loop: nothing captures again.
    await sleep(2500)
    const calls = await callsFor(intentId)
    const captures = calls.filter((c) => c.method === "POST" && c.path === `/v1/payment_intents/${intentId}/capture`)
    assert.equal(captures.length, 1, `exactly one capture call: ${JSON.stringify(captures)}`)
    assert.deepEqual(captures[0].outcome, { answered: 200 })
    // The capture job's deterministic key, `capture:{payment_id}:{attempt_group}`.
    assert.match(
      captures[0].idempotency_key ?? "",
      new RegExp(`^capture:${payment.id}:\\d+$`),
      "the capture carries the job's idempotency key"
    )
    // Over the whole journey: one read at authorization, one capture; no update, cancel or refund.
    assert.equal(calls.length, 2, JSON.stringify(calls))
    assert.equal(count(calls, "GET"), 1)

    const { order: final } = await admin.admin.order.retrieve(order.id, { fields: "id,payment_status" })
    assert.equal(final.payment_status, "captured")
  })
})
