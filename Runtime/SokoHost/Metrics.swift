/// Request counters of one function on one loop. Mutated only on that loop's thread; the
/// scrape copies every loop's shard on its own thread and sums them.
struct FunctionCounters: Sendable {
    /// Upper bounds, in seconds, of the latency histogram's buckets (+Inf is implicit).
    static let bounds: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    /// Answers per status code, indexed by `status - 100` (codes 100–599; no hashing per request).
    var byStatus = [Int](repeating: 0, count: 500)
    var buckets = [Int](repeating: 0, count: FunctionCounters.bounds.count + 1)
    var sum: Double = 0
    var count = 0
    var inFlight = 0

    mutating func observe(status: Int, seconds: Double) {
        if (100..<600).contains(status) { byStatus[status - 100] += 1 }
        var index = 0
        while index < Self.bounds.count && seconds > Self.bounds[index] { index += 1 }
        buckets[index] += 1
        sum += seconds
        count += 1
    }

    mutating func merge(_ other: FunctionCounters) {
        for i in byStatus.indices { byStatus[i] += other.byStatus[i] }
        for i in buckets.indices { buckets[i] += other.buckets[i] }
        sum += other.sum
        count += other.count
        inFlight += other.inFlight
    }
}

/// Prometheus text exposition (format 0.0.4) of the merged counters.
enum PrometheusText {
    static func render(functions: [FunctionRuntime], counters: [FunctionCounters], droppedLogLines: Int? = nil) -> String {
        var out = ""
        if let droppedLogLines {
            out += "# HELP soko_log_lines_dropped_total Log lines not pushed to Loki (buffer full or Loki down).\n"
            out += "# TYPE soko_log_lines_dropped_total counter\n"
            out += "soko_log_lines_dropped_total \(droppedLogLines)\n"
        }
        out += "# HELP http_requests_total Requests answered, by function and status code.\n"
        out += "# TYPE http_requests_total counter\n"
        for function in functions {
            let c = counters[function.index]
            for (offset, count) in c.byStatus.enumerated() where count > 0 {
                out += "http_requests_total{function=\"\(function.name)\",code=\"\(offset + 100)\"} \(count)\n"
            }
        }
        out += "# HELP http_request_duration_seconds Time from a complete request to its response, by function.\n"
        out += "# TYPE http_request_duration_seconds histogram\n"
        for function in functions {
            let c = counters[function.index]
            var cumulative = 0
            for (i, bound) in FunctionCounters.bounds.enumerated() {
                cumulative += c.buckets[i]
                out += "http_request_duration_seconds_bucket{function=\"\(function.name)\",le=\"\(bound)\"} \(cumulative)\n"
            }
            cumulative += c.buckets[FunctionCounters.bounds.count]
            out += "http_request_duration_seconds_bucket{function=\"\(function.name)\",le=\"+Inf\"} \(cumulative)\n"
            out += "http_request_duration_seconds_sum{function=\"\(function.name)\"} \(c.sum)\n"
            out += "http_request_duration_seconds_count{function=\"\(function.name)\"} \(c.count)\n"
        }
        out += "# HELP http_requests_in_flight Requests being handled now, by function.\n"
        out += "# TYPE http_requests_in_flight gauge\n"
        for function in functions {
            out += "http_requests_in_flight{function=\"\(function.name)\"} \(counters[function.index].inFlight)\n"
        }
        return out
    }
}
