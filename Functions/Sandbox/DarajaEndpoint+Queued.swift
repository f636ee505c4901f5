import SokoFunctions

/// What the sandbox's Daraja endpoints that take a request and answer later (STK push, reversal,
/// transaction status) share: the bearer token is checked first, the work decides what to post
/// and when, and the synchronous answer is Daraja's acknowledgement, a flat JSON object of strings.
extension DarajaEndpoint {
    /// Checks the bearer token, runs `work` and answers its acknowledgement fields (in order) as
    /// HTTP 200; a ``DarajaError`` from either is answered in Daraja's envelope.
    static func acknowledge(
        _ request: FunctionRequest, _ context: FunctionContext, _ work: () async throws -> KeyValuePairs<String, String>
    ) async -> FunctionResponse {
        await answer(context) {
            try await DarajaToken.authorize(request, context: context)
            let fields = try await work()
            var json = JSONBuffer(capacity: 256)
            json.openObject()
            for (key, value) in fields {
                json.key(key)
                json.string(value)
            }
            json.closeObject()
            return FunctionResponse(json: json)
        }
    }
}

extension SandboxDelivery {
    /// Posts `make()` after `delay` on a detached task (the handler has answered by then), once, as
    /// Daraja does, then hands what became of it to `record` (a failure to record is logged).
    static func post(
        after delay: Duration, what: String, context: FunctionContext, _ make: @escaping @Sendable () throws -> OutgoingRequest,
        record: @escaping @Sendable (Result) async throws -> Void
    ) -> Task<Void, Never> {
        let delivery = SandboxDelivery(context: context)
        let logger = context.logger
        return Task.detached {
            let outcome = await delivery.deliver(after: delay, what: what, make)
            do {
                try await record(outcome)
            } catch {
                logger.warning("sandbox: could not record the delivery of \(what): \(error)")
            }
        }
    }

    /// `delivered` or `failed`, as the sandbox's tables record it.
    static func state(_ result: Result) -> String {
        switch result {
        case .delivered: "delivered"
        case .failed: "failed"
        }
    }
}
