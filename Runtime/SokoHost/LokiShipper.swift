import Foundation
import Logging
import SokoFunctions
import SokoOutbound
import Synchronization

/// Optional direct push of the access log and the host's other log lines to Grafana Loki (`SOKO_LOKI_URL`, e.g.
/// `http://loki:3100`). JSON lines on standard output stay the primary path (Alloy collects them);
/// this is for setups without a collector.
///
/// Lines are queued without blocking the loop (a bounded buffer; when it is full a line is dropped
/// and counted), pushed once a second (or at 1,000 lines) as gzip'd JSON to
/// `/loki/api/v1/push`, grouped in streams labelled only `service`, `function` and `level` —
/// request and order ids stay in the line. A push Loki does not take (down, or an error) drops
/// its lines and counts them: `soko_log_lines_dropped_total` in `/metrics`.
///
/// Pushes run one at a time through the host's outgoing client on the loops (a socket, never a
/// thread, while Loki answers), each bounded by a 2 s timeout: a Loki that hangs costs dropped
/// lines, not requests, and the final push at shutdown gives up after that timeout too.
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
    private let client: any OutgoingHTTP
    private let queue = Mutex(Queue())
    private let flusher = Mutex<Task<Void, Never>?>(nil)
    /// A push is under way: later flushes leave the lines queued for the next one.
    private let pushing = Atomic(false)
    static let timeout = Duration.seconds(2)
    static let capacity = 10_000
    static let batch = 1_000
    private let logger = Logger(label: "soko.loki")

    /// Pushes to Loki at `base` (`SOKO_LOKI_URL`, without a trailing slash) through `client`.
    init(base: String, client: any OutgoingHTTP) {
        pushURL = base + "/loki/api/v1/push"
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

    /// Starts the timer, and takes the host's other log lines (``JSONLogHandler``) too.
    func start() {
        JSONLogHandler.lokiShippers.withLock { $0.append(self) }
        flusher.withLock {
            $0 = Task.detached { [self] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    await flush()
                }
            }
        }
    }

    /// Stops the timer and pushes what is left (giving up after the push timeout).
    func stop() async {
        JSONLogHandler.lokiShippers.withLock { $0.removeAll { $0 === self } }
        flusher.withLock { $0 }?.cancel()
        // A push under way ends within its timeout; then the rest goes in one last push.
        let deadline = ContinuousClock.now + Self.timeout
        while pushing.load(ordering: .acquiring), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        await flush()
    }

    /// Pushes everything queued now, unless a push is already under way.
    func flush() async {
        guard pushing.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else {
            return
        }
        defer { pushing.store(false, ordering: .releasing) }
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
        let request = OutgoingRequest(
            method: "POST", url: pushURL, headers: ["Content-Type": "application/json", "Content-Encoding": "gzip"],
            body: body, idempotent: false)
        let status = (try? await client.send(request, deadline: .now + Self.timeout))?.status
        if status.map({ (200..<300).contains($0) }) != true {
            queue.withLock { $0.dropped += lines.count }
            logger.warning(
                "loki did not take the logs; dropped", metadata: ["lines": "\(lines.count)", "status": "\(status ?? 0)"])
        }
    }
}
