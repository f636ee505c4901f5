import SokoHTTP

/// Drives requests through the host's routing and pipeline on a loop, with no socket:
/// the same code path as the HTTP server from the end of the request head on.
public final class InProcessInvoker: Sendable {
    let host: FunctionHost
    public let group: EventLoopGroup
    let pipeline: InvocationPipeline
    let handler: HostRequestHandler

    /// Starts a one-loop group for `host` (its stores, outgoing client, pipeline and relays).
    /// Call ``shutdown()`` when done.
    public static func start(_ host: FunctionHost) async throws -> InProcessInvoker {
        let group = EventLoopGroup(loopCount: 1)
        group.start()
        let pipeline: InvocationPipeline
        do {
            pipeline = try await host.assemble(on: group)
        } catch {
            group.shutdown()
            throw error
        }
        host.startRelays(pipeline, on: group.loops[0])
        host.readiness.set(true)
        return InProcessInvoker(host: host, group: group, pipeline: pipeline)
    }

    private init(host: FunctionHost, group: EventLoopGroup, pipeline: InvocationPipeline) {
        self.host = host
        self.group = group
        self.pipeline = pipeline
        handler = HostRequestHandler(
            router: host.router, pipeline: pipeline, readiness: host.readiness,
            trustedProxies: host.configuration.trustedProxies)
    }

    /// Plans and handles `request` as the transport would (413 over the body limit; HEAD without body).
    public func invoke(_ request: HTTPRequest) async -> HTTPResponse {
        let loop = group.loops[0]
        let handler = self.handler
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

    /// Stops the relays, the outgoing client and the loop; returns whether the loop closed with
    /// no handle left open.
    @discardableResult
    public func shutdown() async -> Bool {
        host.readiness.set(false)
        return await host.close(pipeline, group: group)
    }
}
