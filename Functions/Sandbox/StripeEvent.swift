import SokoFunctions

/// A webhook event (`payment_intent.succeeded`, `payment_intent.payment_failed`, `charge.refunded`)
/// and its signed POST to the platform's webhook endpoint.
struct StripeEvent: Sendable {
    var id = SandboxIdentifiers.stripe("evt")
    var type: String
    /// `data.object`, JSON written by the sandbox.
    var object: String
    /// `data.previous_attributes`, JSON written by the sandbox, when the event is about a change.
    var previousAttributes: String?
    var apiVersion: String
    var created: Int
    var requestID: String
    var idempotencyKey: String?

    var body: [UInt8] {
        var json = JSONBuffer(capacity: 2048)
        json.openObject()
        json.key("id")
        json.string(id)
        json.key("object")
        json.string("event")
        json.key("api_version")
        json.string(apiVersion)
        json.key("created")
        json.int(created)
        json.key("data")
        json.openObject()
        json.key("object")
        json.raw(object)
        if let previousAttributes {
            json.key("previous_attributes")
            json.raw(previousAttributes)
        }
        json.closeObject()
        json.key("livemode")
        json.bool(false)
        json.key("pending_webhooks")
        json.int(1)
        json.key("request")
        json.openObject()
        json.key("id")
        json.string(requestID)
        json.key("idempotency_key")
        json.string(idempotencyKey)
        json.closeObject()
        json.key("type")
        json.string(type)
        json.closeObject()
        return json.bytes
    }

    /// The POST as Stripe sends it, signed at `timestamp`.
    func request(to url: String, secret: String, timestamp: Int) -> OutgoingRequest {
        let body = body
        var headers = HTTPHeaders()
        headers.set("Content-Type", "application/json; charset=utf-8")
        headers.set("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)")
        headers.set("Stripe-Signature", StripeSignature.header(secret: secret, timestamp: timestamp, body: body))
        return OutgoingRequest(method: "POST", url: url, headers: headers, body: body, idempotent: false, timeout: .seconds(10))
    }

    /// Stripe retries a failed delivery; the sandbox does three times, sooner than Stripe's hours.
    static let retries: [Duration] = [.seconds(2), .seconds(10), .seconds(60)]

    /// Sends the event after the webhook delay (each attempt signed afresh), on a detached task.
    @discardableResult
    func send(from endpoint: StripeEndpoint) -> Task<SandboxDelivery.Result, Never> {
        let delivery = SandboxDelivery(context: endpoint.context)
        let settings = endpoint.settings
        let clock = endpoint.context.clock
        let event = self
        return Task.detached {
            await delivery.deliver(
                after: settings.webhookDelay, retries: Self.retries, what: "Stripe event \(event.type) \(event.id)"
            ) {
                event.request(
                    to: settings.stripeWebhookURL, secret: settings.stripeWebhookSecret, timestamp: clock.now().unixSeconds)
            }
        }
    }
}

extension StripeEndpoint {
    func event(_ type: String, object: String, previousAttributes: String? = nil) -> StripeEvent {
        StripeEvent(
            type: type, object: object, previousAttributes: previousAttributes, apiVersion: apiVersion,
            created: context.now.unixSeconds, requestID: requestID, idempotencyKey: idempotencyKey)
    }
}
