import SokoFunctions

/// `GET /_sandbox/stripe/v1/payment_intents/{id}` (`expand[]=latest_charge` puts the charge inline).
enum RetrievePaymentIntent {
    static func run(_ endpoint: StripeEndpoint) async throws -> (Int, [UInt8]) {
        try endpoint.form.check(names: ["client_secret"], families: ["expand"])
        let id = endpoint.context.pathParameter("id") ?? ""
        let intent = try await StripePaymentIntent.load(id, from: endpoint.context.store)
        let charge = try await intent.expandedCharge(endpoint.form, store: endpoint.context.store)
        return (200, Array(intent.json(charge: charge).utf8))
    }
}
