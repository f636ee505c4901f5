import SokoHTTP
import SokoOutbound

/// Drives requests through the host's routing and middleware on a loop, with no socket:
/// the same code path as the HTTP server from the end of the request head on.
public final class InProcessInvoker: Sendable {
    let host: FunctionHost
    public let group: EventLoopGroup

    /// Starts a one-loop group for `host`. Call ``shutdown()`` when done.
    public static func start(_ host: FunctionHost) async throws -> InProcessInvoker {
        host.handler.stores = try await host.openStores()
        let group = EventLoopGroup(loopCount: 1)
        group.start()
        let outbound = await host.startOutbound(on: group)
        await host.handler.attach(to: group)
        let relays = host.startRelays(on: group.loops[0])
        host.handler.ready.store(true, ordering: .releasing)
        return InProcessInvoker(host: host, group: group, relays: relays, outbound: outbound)
    }

    /// The event relays of the host's stores (tests drive or await them).
    let relays: [EventRelay]
    let outbound: OutboundClient

    private init(host: FunctionHost, group: EventLoopGroup, relays: [EventRelay], outbound: OutboundClient) {
        self.host = host
        self.group = group
        self.relays = relays
        self.outbound = outbound
    }

    /// Plans and handles `request` as the transport would (413 over the body limit; HEAD without body).
    public func invoke(_ request: HTTPRequest) async -> HTTPResponse {
        let loop = group.loops[0]
        let handler = host.handler
        return await withCheckedContinuation { continuation in
            loop.execute {
                let plan = handler.plan(for: request.head)
                if request.body.count > plan.bodyLimit {
                    continuation.resume(returning: handler.response(for: .bodyTooLarge(limit: plan.bodyLimit)))
                    return
                }
                let isHead = request.head.method == "HEAD"
                handler.handle(
                    request, plan: plan,
                    responder: HTTPResponder(loop: loop) { response in
                        var response = response
                        if isHead { response.body = [] }
                        continuation.resume(returning: response)
                    })
            }
        }
    }

    /// Stops the loop; returns whether it closed with no handle left open.
    @discardableResult
    public func shutdown() async -> Bool {
        host.handler.ready.store(false, ordering: .releasing)
        for relay in relays { await relay.stop() }
        await outbound.shutdown()
        await host.handler.detach()
        let clean = group.shutdown()
        await host.handler.stores.close()
        host.compute.shutdown()
        return clean
    }
}
