import SokoFunctions

/// `GET /_sandbox/stripe/v1/refunds/{id}`.
enum RetrieveRefund {
    static func run(_ endpoint: StripeEndpoint) async throws -> (Int, [UInt8]) {
        try endpoint.form.check(names: [], families: ["expand"])
        let refund = try await StripeRefund.load(endpoint.context.pathParameter("id") ?? "", from: endpoint.context.store)
        return (200, Array(refund.json().utf8))
    }
}
