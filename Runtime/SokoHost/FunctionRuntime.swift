import Logging
import SokoFunctions
import SokoManifest
import Synchronization

/// A loaded function: its manifest entry, its handler and its process-wide in-flight count.
public final class FunctionRuntime: Sendable {
    public let service: String
    public let manifest: FunctionManifest
    public let handler: FunctionHandler
    /// Position in the host's function list; indexes per-loop metric shards.
    public let index: Int
    let logger: Logger
    /// The access-log line's middle for this function, at level `info` and `error`:
    /// `","level":"…","service":"…","function":"…","method":"` rendered once (``AccessLogBuffer``).
    let logFields: (info: [UInt8], error: [UInt8])
    private let inFlight = Atomic<Int>(0)

    init(service: String, manifest: FunctionManifest, handler: FunctionHandler, index: Int) {
        self.service = service
        self.manifest = manifest
        self.handler = handler
        self.index = index
        var logger = Logger(label: "soko.\(service).\(manifest.name)")
        logger[metadataKey: "service"] = "\(service)"
        logger[metadataKey: "function"] = "\(manifest.name)"
        self.logger = logger
        logFields = (
            AccessLogBuffer.fields(level: "info", service: service, function: manifest.name),
            AccessLogBuffer.fields(level: "error", service: service, function: manifest.name)
        )
    }

    public var name: String { manifest.name }

    /// The auth policy its routes enforce: the manifest's, except that an event consumer's delivery
    /// route (`/_soko/events/…`) takes only service tokens.
    public var policy: AuthPolicy {
        if case .event = manifest.trigger { return .service }
        return manifest.auth
    }

    /// Takes an in-flight slot, or returns false when the function is at its concurrency cap.
    func acquire() -> Bool {
        let cap = manifest.concurrency
        var current = inFlight.load(ordering: .relaxed)
        while current < cap {
            let (exchanged, original) = inFlight.compareExchange(
                expected: current, desired: current + 1,
                ordering: .acquiringAndReleasing)
            if exchanged { return true }
            current = original
        }
        return false
    }

    func release() {
        inFlight.subtract(1, ordering: .acquiringAndReleasing)
    }
}
