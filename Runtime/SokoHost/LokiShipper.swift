import Foundation
import Logging
import SokoFunctions
import SokoOutbound
import Synchronization

/// Optional direct push of the access log to Grafana Loki (`SOKO_LOKI_URL`, e.g.
/// `http://loki:3100`). JSON lines on standard output stay the primary path (Alloy collects them);
/// this is for setups without a collector.
///
/// Lines are queued without blocking the loop (a bounded buffer; when it is full a line is dropped
/// and counted), pushed once a second (or at 1,000 lines) as gzip'd JSON to
/// `/loki/api/v1/push`, grouped in streams labelled only `service`, `function` and `level` —
/// request and order ids stay in the line. A push Loki does not take (down, or an error) drops
/// its lines and counts them: `soko_log_lines_dropped_total` in `/metrics`.
final class LokiShipper: Sendable {
    struct Labels: Hashable, Sendable {
        var service: String
        var function: String
        var level: String
    }

    private struct Queue {
        var lines: [(labels: Labels, nanoseconds: String, line: String)] = []
        var dropped = 0
    }

    let pushURL: String
    private let client: BlockingHTTPClient
    private let queue = Mutex(Queue())
    private let flusher = Mutex<Task<Void, Never>?>(nil)
    static let capacity = 10_000
    static let batch = 1_000
    private let logger = Logger(label: "soko.loki")

    /// Nil when `SOKO_LOKI_URL` is not set.
    init?(environment: [String: String], client: BlockingHTTPClient) {
        guard let base = environment["SOKO_LOKI_URL"], !base.isEmpty else { return nil }
        pushURL = (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/loki/api/v1/push"
        self.client = client
    }

    /// Lines dropped so far (buffer full, or Loki not taking them).
    var dropped: Int { queue.withLock { $0.dropped } }

    /// Queues one line; never blocks for long (a lock around an append).
    func enqueue(_ line: String, labels: Labels) {
        let nanoseconds = String(Int64(Date().timeIntervalSince1970 * 1_000_000_000))
        let full = queue.withLock { queue -> Bool in
            guard queue.lines.count < Self.capacity else {
                queue.dropped += 1
                return false
            }
            queue.lines.append((labels, nanoseconds, line))
            return queue.lines.count >= Self.batch
        }
        if full { Task { await self.flush() } }
    }

    func start() {
        flusher.withLock {
            $0 = Task.detached { [self] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    await flush()
                }
            }
        }
    }

    /// Stops the timer and pushes what is left.
    func stop() async {
        flusher.withLock { $0 }?.cancel()
        await flush()
    }

    /// Pushes everything queued now.
    func flush() async {
        let lines = queue.withLock { queue -> [(labels: Labels, nanoseconds: String, line: String)] in
            defer { queue.lines = [] }
            return queue.lines
        }
        guard !lines.isEmpty else { return }
        var streams: [Labels: [[String]]] = [:]
        for entry in lines { streams[entry.labels, default: []].append([entry.nanoseconds, entry.line]) }
        struct Stream: Encodable {
            var stream: [String: String]
            var values: [[String]]
        }
        struct Push: Encodable { var streams: [Stream] }
        let push = Push(
            streams: streams.map { labels, values in
                Stream(
                    stream: ["service": labels.service, "function": labels.function, "level": labels.level], values: values)
            })
        guard let json = try? JSONCoding.encode(push), let body = Gzip.compress(json) else {
            queue.withLock { $0.dropped += lines.count }
            return
        }
        let status =
            (try? await client.send(
                "POST", pushURL, headers: [("Content-Type", "application/json"), ("Content-Encoding", "gzip")], body: body,
                timeout: .seconds(5)))?.status
        if status.map({ (200..<300).contains($0) }) != true {
            queue.withLock { $0.dropped += lines.count }
            logger.warning(
                "loki did not take the logs; dropped", metadata: ["lines": "\(lines.count)", "status": "\(status ?? 0)"])
        }
    }
}
