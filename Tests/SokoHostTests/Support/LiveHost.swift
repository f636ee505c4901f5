import SokoHTTP
import SokoHost
import SokoManifest
import Synchronization

/// The real host on an ephemeral loopback port, serving the probe bundle, in this process.
final class LiveHost: Sendable {
    let running: RunningHost
    let log: LinesBox

    var port: Int { running.port }

    static func start(
        loops: Int = 2, headerTimeout: Duration = .seconds(5), idleTimeout: Duration = .seconds(30),
        manifest: String = ProbeBundle.manifest, address: String = "127.0.0.1",
        trustedProxies: TrustedProxies = .loopback, drainDelay: Duration = .zero
    ) async throws -> LiveHost {
        let box = LinesBox()
        var configuration = HostConfiguration(
            server: ServerConfiguration(
                host: address, port: 0, headerTimeout: headerTimeout, idleTimeout: idleTimeout,
                lingerTimeout: .milliseconds(500)),
            loops: loops, accessLog: .capture { line in box.append(line) })
        configuration.manifestsDirectory = "-"
        configuration.trustedProxies = trustedProxies
        configuration.drainDelay = drainDelay
        let host = try FunctionHost(
            manifests: [try ManifestParser.parse(yaml: manifest, file: "probe.yaml")],
            bundles: [ProbeBundle.self], configuration: configuration)
        let group = EventLoopGroup(loopCount: loops)
        group.start()
        let running = try await host.start(on: group)
        return LiveHost(running: running, lines: box, address: address)
    }

    /// The loopback address it listens on.
    let address: String

    private init(running: RunningHost, lines box: LinesBox, address: String) {
        self.running = running
        self.log = box
        self.address = address
    }

    /// Drains and closes; true when every loop closed with no handle left open.
    func stop(drainTimeout: Duration = .seconds(5)) async -> Bool {
        await running.stop(drainTimeout: drainTimeout)
    }

    func client() throws -> RawClient { try RawClient(port: port, address: address) }

    var accessLog: [String] { log.lines.withLock { $0 } }
}

final class LinesBox: Sendable {
    let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
}
