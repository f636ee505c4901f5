import SokoFunctions

/// `GET /_sandbox/stripe/v1/charges/{id}`.
enum RetrieveCharge {
    static func run(_ endpoint: StripeEndpoint) async throws -> (Int, [UInt8]) {
        try endpoint.form.check(names: [], families: ["expand"])
        let charge = try await StripeCharge.load(endpoint.context.pathParameter("id") ?? "", from: endpoint.context.store)
        return (200, Array(charge.json().utf8))
    }
}
