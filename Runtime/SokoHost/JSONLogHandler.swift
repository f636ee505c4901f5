import Glibc
import Logging
import Synchronization

/// A swift-log handler writing one JSON object per line to standard output, the format the
/// access log uses and Loki/Alloy collect: `ts`, `level`, `msg`, then metadata as fields.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String
    private static let clock = Mutex(TimestampFormatter())

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
        line += "}\n"
        let bytes = Array(line.utf8)
        bytes.withUnsafeBytes { StandardOutput.writeAll($0) }
    }
}
