import SokoFunctions

/// Posts a callback or webhook some time after the handler that caused it has answered, the way a
/// gateway does: on a detached task with its own deadline (the handler's has passed by then),
/// retrying on the given schedule when the receiver fails or answers other than 2xx. Nothing it
/// does can throw into the process: every failure is logged and reported as the result.
struct SandboxDelivery: Sendable {
    let outgoing: (any OutgoingHTTP)?
    let logger: Logger

    /// What became of a delivery.
    enum Result: Equatable, Sendable {
        case delivered(status: Int)
        /// Every attempt failed; the last receiver status, if any answered.
        case failed(status: Int?)
    }

    init(context: FunctionContext) {
        outgoing = context.outgoing
        logger = context.logger
    }

    init(outgoing: (any OutgoingHTTP)?, logger: Logger) {
        self.outgoing = outgoing
        self.logger = logger
    }

    /// Waits `delay`, then sends `make()` (made again for every attempt, so a signature carries a
    /// fresh timestamp), waiting `retries[i]` before attempt `i + 2`.
    func deliver(
        after delay: Duration, retries: [Duration] = [], what: String,
        _ make: @Sendable () throws -> OutgoingRequest
    ) async -> Result {
        guard let outgoing else {
            logger.warning("sandbox: no outgoing HTTP client in this host; \(what) not sent")
            return .failed(status: nil)
        }
        if delay > .zero { try? await Task.sleep(for: delay) }
        var lastStatus: Int?
        for attempt in 0...retries.count {
            if attempt > 0 { try? await Task.sleep(for: retries[attempt - 1]) }
            do {
                let request = try make()
                let response = try await outgoing.send(request, deadline: .now + (request.timeout ?? .seconds(10)))
                lastStatus = response.status
                if (200..<300).contains(response.status) { return .delivered(status: response.status) }
                logger.warning(
                    "sandbox: \(what) to \(request.url) answered \(response.status) (attempt \(attempt + 1))")
            } catch {
                logger.warning("sandbox: \(what) failed: \(error) (attempt \(attempt + 1))")
            }
        }
        logger.error("sandbox: \(what) was not delivered after \(retries.count + 1) attempts")
        return .failed(status: lastStatus)
    }
}
