import Glibc

/// Where the per-request JSON lines go.
public enum AccessLogSink: Sendable {
    /// Standard output, batched: one `write` per loop iteration.
    case standardOutput
    /// Nowhere (benchmarks of the host without logging, some tests).
    case discard
    /// Each line to a closure, on the loop thread (tests).
    case capture(@Sendable (String) -> Void)
}

/// One loop's access log: lines are appended during the iteration and written together after it.
struct AccessLogBuffer {
    private var pending: [UInt8] = []
    private var stamp = TimestampFormatter()

    struct Entry {
        var level: String
        var service: String
        var function: String
        var method: String
        var path: Substring
        var status: Int
        var durationMilliseconds: Double
        var requestID: String
        var bytes: Int
    }

    mutating func append(_ entry: Entry, sink: AccessLogSink) {
        if case .discard = sink { return }
        var line = "{\"ts\":\"\(stamp.now())\",\"level\":\"\(entry.level)\",\"service\":"
        JSONText.appendString(entry.service, to: &line)
        line += ",\"function\":"
        JSONText.appendString(entry.function, to: &line)
        line += ",\"method\":"
        JSONText.appendString(entry.method, to: &line)
        line += ",\"path\":"
        JSONText.appendString(String(entry.path), to: &line)
        let rounded = (entry.durationMilliseconds * 1000).rounded() / 1000
        line += ",\"status\":\(entry.status),\"duration_ms\":\(rounded),\"request_id\":"
        JSONText.appendString(entry.requestID, to: &line)
        line += ",\"bytes\":\(entry.bytes),\"msg\":\"request\"}"
        switch sink {
        case .standardOutput:
            pending.append(contentsOf: line.utf8)
            pending.append(UInt8(ascii: "\n"))
        case .capture(let capture):
            capture(line)
        case .discard:
            break
        }
    }

    mutating func flush() {
        guard !pending.isEmpty else { return }
        pending.withUnsafeBytes { StandardOutput.writeAll($0) }
        pending.removeAll(keepingCapacity: pending.count < 1 << 20)
    }
}

enum StandardOutput {
    static func writeAll(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count {
            let n = write(1, bytes.baseAddress! + offset, bytes.count - offset)
            if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else { return }
        }
    }
}

/// RFC 3339 UTC timestamps with milliseconds; the date and time part is cached per second.
struct TimestampFormatter {
    private var second = -1
    private var prefix = ""

    mutating func now() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        if spec.tv_sec != second {
            second = spec.tv_sec
            var t = spec.tv_sec
            var parts = tm()
            gmtime_r(&t, &parts)
            func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
            prefix = "\(1900 + parts.tm_year)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
                + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
        }
        let ms = spec.tv_nsec / 1_000_000
        let msText = ms < 10 ? "00\(ms)" : ms < 100 ? "0\(ms)" : "\(ms)"
        return "\(prefix).\(msText)Z"
    }
}

/// JSON string escaping for log lines (paths and ids come from clients).
enum JSONText {
    static func appendString(_ text: String, to out: inout String) {
        out += "\""
        var needsEscape = false
        for byte in text.utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
            needsEscape = true
            break
        }
        if !needsEscape {
            out += text
        } else {
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                default:
                    if scalar.value < 0x20 {
                        let hex = String(scalar.value, radix: 16)
                        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
        }
        out += "\""
    }
}
