import SokoFunctions

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What every Stripe endpoint does around its own work: the API key check, `Idempotency-Key`
/// (a POST's first result is saved and replayed with `Idempotent-Replayed: true`; the same key
/// with other parameters or on another endpoint is a 400 `idempotency_error`; a key whose first
/// request is still running is a 409), `Request-Id`, and errors in Stripe's envelope.
struct StripeEndpoint: Sendable {
    let request: FunctionRequest
    let context: FunctionContext
    let settings: SandboxSettings
    let form: StripeForm
    let requestID = SandboxIdentifiers.stripe("req")
    /// Whether this endpoint takes a publishable key and a client secret in the form instead of the
    /// secret key, as Stripe's confirm does for Stripe.js.
    var takesPublishableKey = false

    /// The API version events caused by this request carry.
    var apiVersion: String { request.headers["Stripe-Version"] ?? settings.stripeAPIVersion }
    var idempotencyKey: String? { request.headers["Idempotency-Key"] }

    /// Runs `work` for `request` and answers it. `work` returns the status and JSON body.
    static func answer(
        _ request: FunctionRequest, context: FunctionContext, settings: SandboxSettings, publishable: Bool = false,
        _ work: @escaping @Sendable (StripeEndpoint) async throws -> (Int, [UInt8])
    ) async -> FunctionResponse {
        let form =
            request.method == "GET"
            ? StripeForm(pairs: request.query.pairs) : StripeForm(String(decoding: request.body, as: UTF8.self))
        var endpoint = StripeEndpoint(request: request, context: context, settings: settings, form: form)
        endpoint.takesPublishableKey = publishable
        return await endpoint.run(work)
    }

    private func run(_ work: @Sendable (StripeEndpoint) async throws -> (Int, [UInt8])) async -> FunctionResponse {
        do {
            try authorize()
            guard request.method == "POST", let key = idempotencyKey else {
                return respond(try await work(self))
            }
            return try await idempotent(key: key, work)
        } catch let error as StripeError {
            return respond((error.status, error.body))
        } catch {
            context.logger.error("sandbox stripe: \(error)")
            let failure = StripeError(status: 500, type: "api_error", message: "An unknown error occurred")
            return respond((500, failure.body))
        }
    }

    private func respond(_ result: (Int, [UInt8]), replayed: Bool = false) -> FunctionResponse {
        var response = FunctionResponse(status: result.0, body: result.1)
        response.headers.add("Content-Type", "application/json")
        response.headers.add("Request-Id", requestID)
        response.headers.add("Stripe-Version", apiVersion)
        if let key = idempotencyKey, request.method == "POST" { response.headers.add("Idempotency-Key", key) }
        if replayed { response.headers.add("Idempotent-Replayed", "true") }
        if result.0 == 401 { response.headers.add("WWW-Authenticate", "Basic realm=\"Stripe\"") }
        return response
    }

    /// Whether the caller authenticated with the publishable key (form `key=pk_…`): then the work
    /// must check the form's `client_secret` against the object (``ConfirmPaymentIntent``).
    var byPublishableKey: Bool { takesPublishableKey && request.headers["Authorization"] == nil && form["key"] != nil }

    /// `Authorization: Bearer sk_…` or `Basic base64(sk_…:)`; on the confirm endpoint, also the
    /// form's `key=pk_…` (Stripe.js's way: a secret key is never in a browser).
    private func authorize() throws(StripeError) {
        if byPublishableKey {
            let key = form["key"] ?? ""
            guard ConstantTime.equal(Array(key.utf8), Array(settings.stripePublishableKey.utf8)) else {
                throw .invalidRequest("Invalid API Key provided: \(Self.masked(key))", status: 401)
            }
            return
        }
        let header = request.headers["Authorization"] ?? ""
        let key: String?
        if header.lowercased().hasPrefix("bearer ") {
            key = String(header.dropFirst(7)).trimmingWhitespace()
        } else {
            key = DarajaToken.basicCredentials(header)?.0
        }
        guard let key, !key.isEmpty else {
            throw .invalidRequest(
                "You did not provide an API key. You need to provide your API key in the Authorization header, using "
                    + "Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').", status: 401)
        }
        guard key == settings.stripeSecretKey else {
            throw .invalidRequest("Invalid API Key provided: \(Self.masked(key))", status: 401)
        }
    }

    /// `sk_test_****************ABCD`, as Stripe quotes a wrong key.
    static func masked(_ key: String) -> String {
        let parts = key.split(separator: "_", maxSplits: 2, omittingEmptySubsequences: false)
        let prefix = parts.count == 3 ? parts[0] + "_" + parts[1] + "_" : ""
        let rest = key.dropFirst(prefix.count)
        guard rest.count > 4 else { return prefix + String(repeating: "*", count: rest.count) }
        return prefix + String(repeating: "*", count: rest.count - 4) + rest.suffix(4)
    }

    private func idempotent(key: String, _ work: @Sendable (StripeEndpoint) async throws -> (Int, [UInt8])) async throws
        -> FunctionResponse
    {
        guard !key.isEmpty, key.count <= 255 else {
            throw StripeError.invalidRequest(
                "Idempotency keys must be 1 to 255 characters long.", param: "Idempotency-Key")
        }
        let target = "POST " + request.path
        let fingerprint = form.fingerprint
        let store = context.store
        do {
            try await store.execute(
                "INSERT INTO stripe_idempotency (key, endpoint, fingerprint, created) VALUES ($1, $2, $3, $4)",
                [.text(key), .text(target), .text(fingerprint), SQLValue(context.now.unixSeconds)])
        } catch StoreError.uniqueViolation {
            return try await replay(key: key, target: target, fingerprint: fingerprint)
        }
        let result: (Int, [UInt8])
        do {
            result = try await work(self)
        } catch let error as StripeError where error.status != 402 {
            // Failed before it changed anything: not saved, so the key can be used again.
            _ = try? await store.execute("DELETE FROM stripe_idempotency WHERE key = $1", [.text(key)])
            throw error
        } catch let error as StripeError {
            result = (error.status, error.body)
        } catch {
            _ = try? await store.execute("DELETE FROM stripe_idempotency WHERE key = $1", [.text(key)])
            throw error
        }
        try await store.execute(
            "UPDATE stripe_idempotency SET status = $1, body = $2 WHERE key = $3",
            [SQLValue(result.0), .text(String(decoding: result.1, as: UTF8.self)), .text(key)])
        return respond(result)
    }

    private func replay(key: String, target: String, fingerprint: String) async throws -> FunctionResponse {
        let rows = try await context.store.query(
            "SELECT endpoint, fingerprint, status, body FROM stripe_idempotency WHERE key = $1", [.text(key)])
        guard let row = rows.first else {
            throw StripeError.invalidRequest("The idempotency key was released; retry the request.", status: 409)
        }
        guard try row.string("endpoint") == target, try row.string("fingerprint") == fingerprint else {
            throw StripeError(
                status: 400, type: "idempotency_error",
                message: "Keys for idempotent requests can only be used with the same parameters they were first used "
                    + "with. Try using a key other than '\(key)' if you meant to execute a different request.")
        }
        guard let status = try row.int("status") else {
            throw StripeError.invalidRequest(
                "There is currently another in-progress request using this Idempotent Key (that probably means you "
                    + "submitted twice, and the other request is still going through): \(key). Please try again later.",
                code: "idempotency_key_in_use", status: 409)
        }
        return respond((status, Array((try row.string("body") ?? "").utf8)), replayed: true)
    }
}
