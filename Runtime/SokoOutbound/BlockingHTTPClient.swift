internal import CCurl
import SokoWorkers
import Synchronization

/// A small HTTP client on libcurl's easy interface, run on a ``ComputePool`` thread (never on an
/// event loop), with TLS verification on and a deadline per call.
///
/// It serves the host's own calls between services (the Users service's JWKS, service tokens,
/// function invocation and event delivery when the callee runs in another process). Payment and
/// mail traffic get the multi-interface client driven by the loops.
public struct BlockingHTTPClient: Sendable {
    public struct Response: Sendable {
        public var status: Int
        public var body: [UInt8]
    }

    private let pool: ComputePool
    private static let initialised: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    public init(pool: ComputePool) {
        _ = Self.initialised
        self.pool = pool
    }

    /// GETs `url`; throws ``HTTPClientError`` on transport failure (a non-2xx status is returned).
    public func get(_ url: String, timeout: Duration, maxBytes: Int = 1 << 20) async throws -> Response {
        try await send("GET", url, timeout: timeout, maxBytes: maxBytes)
    }

    /// Sends `method` to `url` with `headers` and `body`; throws ``HTTPClientError`` on transport
    /// failure (any HTTP status is returned).
    public func send(
        _ method: String, _ url: String, headers: [(String, String)] = [], body: [UInt8] = [], timeout: Duration,
        maxBytes: Int = 1 << 20
    ) async throws -> Response {
        try await pool.run {
            try Self.perform(method, url, headers: headers, body: body, timeout: timeout, maxBytes: maxBytes)
        }
    }

    private final class Sink {
        var bytes: [UInt8] = []
        let limit: Int
        init(limit: Int) { self.limit = limit }
    }

    private static func perform(
        _ method: String, _ url: String, headers: [(String, String)], body: [UInt8], timeout: Duration, maxBytes: Int
    ) throws -> Response {
        guard let curl = curl_easy_init() else { throw HTTPClientError(message: "curl_easy_init failed") }
        defer { curl_easy_cleanup(curl) }
        let sink = Sink(limit: maxBytes)
        let milliseconds = max(1, Int(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000))
        soko_curl_setopt_string(curl, CURLOPT_URL, url)
        soko_curl_setopt_long(curl, CURLOPT_TIMEOUT_MS, milliseconds)
        soko_curl_setopt_long(curl, CURLOPT_NOSIGNAL, 1)
        soko_curl_setopt_long(curl, CURLOPT_FOLLOWLOCATION, 0)
        soko_curl_setopt_long(curl, CURLOPT_SSL_VERIFYPEER, 1)
        soko_curl_setopt_long(curl, CURLOPT_SSL_VERIFYHOST, 2)
        soko_curl_setopt_string(curl, CURLOPT_USERAGENT, "soko")
        if method != "GET" {
            soko_curl_setopt_string(curl, CURLOPT_CUSTOMREQUEST, method)
        }
        if !body.isEmpty || method == "POST" || method == "PUT" || method == "PATCH" {
            soko_curl_setopt_long(curl, CURLOPT_POSTFIELDSIZE, body.count)
            if body.isEmpty {
                soko_curl_setopt_string(curl, CURLOPT_COPYPOSTFIELDS, "")
            } else {
                body.withUnsafeBytes { bytes in
                    // COPYPOSTFIELDS: curl keeps its own copy, so the array may go away.
                    soko_curl_setopt_pointer(curl, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
                }
            }
        }
        var list: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(list) }
        // No `Expect: 100-continue` round trip for small bodies.
        for line in headers.map({ "\($0.0): \($0.1)" }) + ["Expect:"] {
            guard !line.contains("\r"), !line.contains("\n") else { throw HTTPClientError(message: "header with a line break") }
            list = curl_slist_append(list, line)
        }
        soko_curl_setopt_pointer(curl, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(list))
        soko_curl_setopt_pointer(curl, CURLOPT_WRITEDATA, Unmanaged.passUnretained(sink).toOpaque())
        soko_curl_setopt_write_function(curl) { data, size, count, context in
            let sink = Unmanaged<Sink>.fromOpaque(context!).takeUnretainedValue()
            let length = size * count
            if sink.bytes.count + length > sink.limit { return 0 }  // too big: abort the transfer
            sink.bytes.append(contentsOf: UnsafeRawBufferPointer(start: data, count: length))
            return length
        }
        let result = curl_easy_perform(curl)
        guard result == CURLE_OK else {
            throw HTTPClientError(message: "\(method) \(url): " + String(cString: curl_easy_strerror(result)))
        }
        var status = 0
        soko_curl_getinfo_response_code(curl, &status)
        return Response(status: status, body: sink.bytes)
    }
}

public struct HTTPClientError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
