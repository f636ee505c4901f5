import Logging
import SokoFunctions
import SokoHTTP
import SokoManifest
import SokoOutbound
import SokoSecurity
import Synchronization

/// A host that is serving; ``stop(drainTimeout:)`` drains it and closes its loops.
public final class RunningHost: Sendable {
    public let host: FunctionHost
    public let server: HTTPServer
    public let group: EventLoopGroup
    /// Runs on loop 0 before the loops close (``FunctionHost/run(onListening:)``'s closes the signal watcher).
    let onStop: (@Sendable () -> Void)?
    let pipeline: InvocationPipeline
    let scheduler: Scheduler
    /// The instance IDs registered with Consul (deregistered when the drain begins).
    let consulIDs: [String]
    /// Registers this host with Consul again every `consulRefresh`, until the drain begins.
    let consulKeeper: Task<Void, Never>?

    init(
        host: FunctionHost, pipeline: InvocationPipeline, server: HTTPServer, group: EventLoopGroup, scheduler: Scheduler,
        consulIDs: [String], consulKeeper: Task<Void, Never>?, onStop: (@Sendable () -> Void)?
    ) {
        self.onStop = onStop
        self.host = host
        self.pipeline = pipeline
        self.server = server
        self.group = group
        self.scheduler = scheduler
        self.consulIDs = consulIDs
        self.consulKeeper = consulKeeper
    }

    public var port: Int { server.port }

    /// Not ready, drain (in-flight requests finish, up to `drainTimeout`), close every loop.
    /// Returns whether the drain beat its deadline and every loop closed with no handle left.
    @discardableResult
    public func stop(drainTimeout: Duration) async -> Bool {
        let report = await shutdown(drainTimeout: drainTimeout)
        return report.drained && report.closedCleanly
    }

    /// As ``stop(drainTimeout:)``, reporting the drain and the loop closing separately.
    public func shutdown(drainTimeout: Duration) async -> (drained: Bool, closedCleanly: Bool) {
        host.readiness.set(false)
        consulKeeper?.cancel()
        if let consul = pipeline.services.remote.consul {
            for id in consulIDs { await consul.deregister(id) }
        }
        // Still taking connections, reporting not ready, while load balancers stop sending here.
        if host.configuration.drainDelay > .zero {
            Logger(label: "soko.host").info(
                "not ready; draining after the delay", metadata: ["delay": "\(host.configuration.drainDelay)"])
            try? await Task.sleep(for: host.configuration.drainDelay)
        }
        let scheduler = self.scheduler
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            group.loops[0].execute {
                scheduler.stop()
                continuation.resume()
            }
        }
        let drained = await server.drain(deadline: drainTimeout)
        let onStop = self.onStop
        let loop = group.loops[0]
        let clean = await host.close(pipeline, group: group) {
            guard let onStop else { return }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                loop.execute {
                    onStop()
                    continuation.resume()
                }
            }
        }
        let logger = Logger(label: "soko.host")
        if !drained {
            logger.warning(
                "drain deadline passed; remaining connections were closed", metadata: ["drain_timeout": "\(drainTimeout)"])
        }
        logger.info("stopped", metadata: ["drained": "\(drained)", "loops_closed_cleanly": "\(clean)"])
        return (drained, clean)
    }
}
