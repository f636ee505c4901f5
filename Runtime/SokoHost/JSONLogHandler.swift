import Glibc
import Logging
import Synchronization

/// A swift-log handler writing one JSON object per line to standard output, the format the
/// access log uses and Loki/Alloy collect: `ts`, `level`, `msg`, then metadata as fields. With a
/// Loki push configured (`SOKO_LOKI_URL`) the lines also go to Loki, labelled with the record's
/// `service` and `function` metadata (else `soko` and the logger's label) and its level.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String
    private static let clock = Mutex(TimestampFormatter())
    /// The Loki shippers of the hosts running in this process (usually one).
    static let lokiShippers = Mutex<[LokiShipper]>([])

    public init(label: String, level: Logger.Level = .info) {
        self.label = label
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let stamp = Self.clock.withLock { $0.now() }
        var line = "{\"ts\":\"\(stamp)\",\"level\":"
        JSONText.appendString(event.level.rawValue, to: &line)
        line += ",\"msg\":"
        JSONText.appendString("\(event.message)", to: &line)
        line += ",\"logger\":"
        JSONText.appendString(label, to: &line)
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        for key in merged.keys.sorted() {
            line += ","
            JSONText.appendString(key, to: &line)
            line += ":"
            JSONText.appendString("\(merged[key]!)", to: &line)
        }
        line += "}"
        if label != "soko.loki" {  // not the shipper's own complaints about Loki
            let shippers = Self.lokiShippers.withLock { $0 }
            if !shippers.isEmpty {
                let labels = LokiShipper.Labels(
                    service: merged["service"].map { "\($0)" } ?? "soko", function: merged["function"].map { "\($0)" } ?? label,
                    level: event.level.rawValue)
                for shipper in shippers { shipper.enqueue(line, labels: labels) }
            }
        }
        line += "\n"
        let bytes = Array(line.utf8)
        bytes.withUnsafeBytes { StandardOutput.writeAll($0) }
    }
}
