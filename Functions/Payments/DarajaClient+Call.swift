import SokoFunctions

/// The one shape every Daraja API call has: a JSON POST with the bearer token (renewed once when
/// Daraja calls it invalid), answered by an acknowledgement with `ResponseCode "0"`, or refused in
/// Daraja's error envelope (`{"requestId","errorCode","errorMessage"}`) or with a non-zero
/// `ResponseCode`. STK push, STK query, reversal and transaction status all go through ``call(_:_:as:idempotent:context:)``.
extension DarajaClient {
    /// What one call came to.
    enum Answer<Accepted: Decodable & Sendable>: Sendable {
        /// HTTP 200, `ResponseCode "0"` and the acknowledgement decoded.
        case accepted(Accepted)
        /// Daraja answered and refused (`detail` is its message): the request was not processed.
        case refused(status: Int, code: String?, detail: String)
        /// Something other than Daraja answered (a proxy's 502/504, a 408, a 200 that is not
        /// Daraja's acknowledgement): the request may have been processed, so it is not a refusal.
        case unknown(status: Int, detail: String)
    }

    /// POSTs `body` as JSON to `settings.darajaBaseURL + path`. `idempotent: false` for a request
    /// that moves money or prompts a phone (the host's client never repeats it). A transport failure
    /// throws ``OutgoingError``: like ``Answer/unknown(status:detail:)``, the outcome is unknown.
    func call<Body: Encodable, Accepted: Decodable & Sendable>(
        _ path: String, _ body: Body, as _: Accepted.Type, idempotent: Bool, context: FunctionContext
    ) async throws -> Answer<Accepted> {
        let response = try await authorised(context: context) { token in
            try OutgoingRequest.json(
                "POST", settings.darajaBaseURL + path, body, headers: ["Authorization": "Bearer \(token)"],
                idempotent: idempotent)
        }
        let envelope = try? response.json(ErrorEnvelope.self)
        if response.status == 200, envelope?.responseCode == "0", let accepted = try? response.json(Accepted.self) {
            return .accepted(accepted)
        }
        // Only Daraja's own refusal (its error envelope, or its acknowledgement with a non-zero
        // ResponseCode) proves the request was not processed; anything else may hide an accepted one.
        let fromDaraja = envelope?.errorCode != nil || envelope?.responseCode != nil
        if !fromDaraja, response.status == 200 || response.status == 408 || response.status >= 500 {
            return .unknown(status: response.status, detail: "HTTP \(response.status) without Daraja's answer")
        }
        let detail =
            envelope?.errorMessage ?? envelope?.customerMessage ?? envelope?.responseDescription ?? "HTTP \(response.status)"
        return .refused(status: response.status, code: envelope?.errorCode ?? envelope?.responseCode, detail: detail)
    }
}
