import SokoFunctions
import SokoHTTP
import SokoWorkers

/// An ``OutboundClient`` on an event loop of its own, for code that calls out without a running
/// host: `soko health`, `soko demo`, tests that play a storefront. The calls go through the same
/// libcurl multi handle on a loop as the host's; ``shutdown()`` closes the client and its loop.
///
/// ```swift
/// let client = await StandaloneClient.start()
/// let status = try await client.get("http://127.0.0.1:8080/healthz", timeout: .seconds(2)).status
/// await client.shutdown()
/// ```
public final class StandaloneClient: Sendable {
    public let client: OutboundClient
    private let group: EventLoopGroup
    private let compute: ComputePool

    private init(client: OutboundClient, group: EventLoopGroup, compute: ComputePool) {
        self.client = client
        self.group = group
        self.compute = compute
    }

    /// Starts a one-loop group and a client on it (mail, unused here, would go to files).
    public static func start() async -> StandaloneClient {
        let group = EventLoopGroup(loopCount: 1)
        group.start()
        let compute = ComputePool(threads: 1)
        let client = await OutboundClient.start(
            loops: group.loops, mail: MailSettings(directory: "data/mail"), compute: compute)
        return StandaloneClient(client: client, group: group, compute: compute)
    }

    /// GETs `url`; throws ``OutgoingError`` when no answer came (any HTTP status is an answer).
    public func get(_ url: String, timeout: Duration) async throws -> OutgoingResponse {
        try await send("GET", url, timeout: timeout)
    }

    /// Sends one request, not retried, within `timeout`.
    public func send(
        _ method: String, _ url: String, headers: [(String, String)] = [], body: [UInt8] = [], timeout: Duration
    ) async throws -> OutgoingResponse {
        var fields = HTTPHeaders()
        for (name, value) in headers { fields.add(name, value) }
        return try await client.send(
            OutgoingRequest(method: method, url: url, headers: fields, body: body, idempotent: false),
            deadline: .now + timeout)
    }

    /// Fails what is in flight, then stops the loop and the thread.
    public func shutdown() async {
        await client.shutdown()
        group.shutdown()
        compute.shutdown()
    }
}
