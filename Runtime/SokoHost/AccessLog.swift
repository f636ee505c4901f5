import Glibc
import SokoHTTP

/// Where the per-request JSON lines go.
public enum AccessLogSink: Sendable {
    /// Standard output, batched: one `write` per loop iteration.
    case standardOutput
    /// Nowhere (benchmarks of the host without logging, some tests).
    case discard
    /// Each line to a closure, on the loop thread (tests).
    case capture(@Sendable (String) -> Void)
}

/// One loop's access log: lines are appended as bytes during the iteration and written together
/// after it, so a busy loop makes one `write` for many requests.
struct AccessLogBuffer {
    private var pending: [UInt8] = []
    private var stamp = TimestampFormatter()
    /// Also pushes each line to Loki when set (`SOKO_LOKI_URL`).
    var loki: LokiShipper?

    struct Entry {
        var level: String
        var service: String
        var function: String
        var method: String
        var path: Substring
        var status: Int
        var durationMilliseconds: Double
        var requestID: RequestID
        var bytes: Int
        /// `level`, `service` and `function` already rendered (``fields(level:service:function:)``),
        /// or nil to render them from the strings.
        var fields: [UInt8]? = nil
    }

    /// `","level":"…","service":"…","function":"…","method":"`: what a function's lines share.
    static func fields(level: String, service: String, function: String) -> [UInt8] {
        var out: [UInt8] = []
        out.appendLiteral(#"","level":""#)
        out.appendUTF8(level)
        out.appendLiteral(#"","service":"#)
        JSONText.append(service, to: &out)
        out.appendLiteral(#","function":"#)
        JSONText.append(function, to: &out)
        out.appendLiteral(#","method":""#)
        return out
    }

    /// `entry` is consumed and handed to ``write(_:into:)`` in place: a borrowed one was copied
    /// into the writing closure's context and destroyed twice (~500 instructions a line).
    mutating func append(_ entry: consuming Entry, sink: AccessLogSink) {
        if let loki {
            var line: [UInt8] = []
            write(&entry, into: &line)
            line.removeLast()
            loki.enqueue(
                String(decoding: line, as: UTF8.self),
                labels: .init(service: entry.service, function: entry.function, level: entry.level))
        }
        switch sink {
        case .discard:
            return
        case .standardOutput:
            var out = pending
            pending = []
            write(&entry, into: &out)
            pending = out
        case .capture(let capture):
            var line: [UInt8] = []
            write(&entry, into: &line)
            line.removeLast()
            capture(String(decoding: line, as: UTF8.self))
        }
    }

    private mutating func write(_ entry: inout Entry, into out: inout [UInt8]) {
        // Escaping writes at most 6 bytes per byte (`\u00XX`); the rest is fixed text and digits.
        let escaped =
            entry.service.utf8.count + entry.function.utf8.count + entry.method.utf8.count + entry.path.utf8.count
            + entry.requestID.utf8Count
        let limit = 256 + entry.level.utf8.count + 6 * escaped + (entry.fields?.count ?? 0)
        let micros = Int((entry.durationMilliseconds * 1000).rounded())
        let now = stamp.read()
        out.appendWriting(atMost: limit) { line in
            line.write(#"{"ts":""#)
            stamp.write(now, to: &line)
            if let fields = entry.fields {
                line.write(fields)
            } else {
                line.write(#"","level":""#)
                line.writeUTF8(entry.level)
                line.write(#"","service":"#)
                JSONText.write(entry.service, to: &line)
                line.write(#","function":"#)
                JSONText.write(entry.function, to: &line)
                line.write(#","method":""#)
            }
            // The method is one of http-parser's tokens or a trigger's name, and a request id is
            // a generated hex id or an incoming one ``RequestIDGenerator/accept(_:)`` let through
            // (letters, digits and `-_.:+/=@`): neither ever needs escaping.
            line.writeUTF8(entry.method)
            line.write(UInt8(ascii: "\""))
            line.write(#","path":"#)
            JSONText.write(path: entry.path, to: &line)
            line.write(#","status":"#)
            line.writeDecimal(max(entry.status, 0))
            line.write(#","duration_ms":"#)
            line.writeDecimal(max(micros, 0) / 1000)
            line.write(UInt8(ascii: "."))
            let fraction = max(micros, 0) % 1000
            if fraction < 100 { line.write(UInt8(ascii: "0")) }
            if fraction < 10 { line.write(UInt8(ascii: "0")) }
            line.writeDecimal(fraction)
            line.write(#","request_id":""#)
            entry.requestID.write(to: &line)
            line.write(UInt8(ascii: "\""))
            line.write(#","bytes":"#)
            line.writeDecimal(max(entry.bytes, 0))
            line.write("}\n")
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
    private var prefix: [UInt8] = []

    /// The current time: the second's prefix refreshed when the second changed, and the
    /// milliseconds.
    mutating func read() -> (prefix: [UInt8], milliseconds: Int) {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        if spec.tv_sec != second {
            second = spec.tv_sec
            var t = spec.tv_sec
            var parts = tm()
            gmtime_r(&t, &parts)
            func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
            prefix = Array(
                ("\(1900 + parts.tm_year)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
                    + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).").utf8)
        }
        return (prefix, spec.tv_nsec / 1_000_000)
    }

    /// Writes a time from ``read()`` (at most 32 bytes).
    func write(_ time: (prefix: [UInt8], milliseconds: Int), to out: inout ByteWriter) {
        out.write(time.prefix)
        let ms = time.milliseconds
        out.write(UInt8(ascii: "0") + UInt8(ms / 100))
        out.write(UInt8(ascii: "0") + UInt8(ms / 10 % 10))
        out.write(UInt8(ascii: "0") + UInt8(ms % 10))
        out.write(UInt8(ascii: "Z"))
    }

    mutating func append(to out: inout [UInt8]) {
        let time = read()
        out.appendWriting(atMost: 32) { write(time, to: &$0) }
    }

    mutating func now() -> String {
        var out: [UInt8] = []
        append(to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

/// JSON string escaping for log lines (paths and ids come from clients).
enum JSONText {
    static func append<S: StringProtocol>(_ text: S, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Fast path: nothing to escape (the usual case for names, paths and ids), read as one
        // buffer of UTF-8 rather than byte by byte through the view.
        let copied =
            text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
                for byte in bytes where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                    return false
                }
                out.append(contentsOf: bytes)
                return true
            } ?? false
        if copied {
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.appendLiteral(#"\""#)
            case UInt8(ascii: "\\"): out.appendLiteral(#"\\"#)
            case UInt8(ascii: "\n"): out.appendLiteral(#"\n"#)
            case UInt8(ascii: "\r"): out.appendLiteral(#"\r"#)
            case UInt8(ascii: "\t"): out.appendLiteral(#"\t"#)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.appendLiteral(#"\u00"#)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// A path (a substring of the request's target): its bytes read with `withUTF8`, a pointer
    /// for a native string, where the UTF-8 view's contiguous storage goes through `Slice`.
    static func write(path: Substring, to out: inout ByteWriter) {
        var path = path
        path.withUTF8 { bytes in
            for byte in bytes where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                write(String(decoding: bytes, as: UTF8.self), to: &out)
                return
            }
            out.write(UInt8(ascii: "\""))
            out.write(bytes)
            out.write(UInt8(ascii: "\""))
        }
    }

    /// The same as ``append(_:to:)`` through a ``ByteWriter``: at most 2 + 6 × the UTF-8 count.
    static func write<S: StringProtocol>(_ text: S, to out: inout ByteWriter) {
        out.write(UInt8(ascii: "\""))
        let copied =
            text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
                for byte in bytes where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                    return false
                }
                out.write(bytes)
                return true
            } ?? false
        if !copied {
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "\""): out.write(#"\""#)
                case UInt8(ascii: "\\"): out.write(#"\\"#)
                case UInt8(ascii: "\n"): out.write(#"\n"#)
                case UInt8(ascii: "\r"): out.write(#"\r"#)
                case UInt8(ascii: "\t"): out.write(#"\t"#)
                case 0..<0x20:
                    let hex: StaticString = "0123456789abcdef"
                    out.write(#"\u00"#)
                    out.write(hex.utf8Start[Int(byte >> 4)])
                    out.write(hex.utf8Start[Int(byte & 0xF)])
                default: out.write(byte)
                }
            }
        }
        out.write(UInt8(ascii: "\""))
    }

    static func appendString(_ text: String, to out: inout String) {
        var bytes: [UInt8] = []
        append(text, to: &bytes)
        out += String(decoding: bytes, as: UTF8.self)
    }
}
