internal import CCurl
import Logging
import SokoFunctions
import SokoHTTP
import SokoWorkers
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Every outgoing call of the host — HTTP to payment gateways, mail over SMTP, and the host's own
/// calls (remote invocation and event delivery, service tokens, JWKS, Consul, Loki) — on libcurl's
/// multi interface, driven by the event loops: curl's sockets are watched with `uv_poll` and its
/// timeouts with a `uv_timer` (`curl_multi_socket_action`), so a slow gateway holds a socket, not a
/// thread. Each loop has its own multi handle (and so its own connection cache, reused across
/// calls); a call runs on the loop of the task that makes it.
///
/// No call ever holds a thread, so hung callees cannot starve the compute threads that hash
/// passwords. TLS verification is always on. Only idempotent requests are retried (transport
/// failures and 502/503/504, with backoff and jitter, inside the deadline). Without SMTP settings, mail is
/// written as `.eml` files instead.
public final class OutboundClient: OutgoingHTTP, MailTransport, @unchecked Sendable {
    private let loops: [EventLoop]
    private let drivers: [LazyDriver]
    private let mail: MailSettings
    private let compute: ComputePool
    private let next = Atomic<Int>(0)
    private let logger = Logger(label: "soko.outbound")

    /// Loads libcurl and OpenSSL now (dlopen) if they are not yet, and sets them up; throws
    /// ``OutgoingError`` (``OutgoingError/Kind/unavailable``) naming the package to install when
    /// they cannot be loaded. For a host whose configuration already says it will call out: it
    /// fails at start, not at its first outgoing call.
    public static func loadLibraries() throws {
        if let failure = CurlSetup.once() { throw OutgoingError(.unavailable, failure) }
    }

    /// When libcurl and OpenSSL are set up.
    public enum Preparation: Sendable {
        /// Now, before `start` returns: the first call costs no more than the others.
        case atStart
        /// By the first call (on a compute thread, not a loop), so a process that never calls out
        /// never pays their start-up — OpenSSL's configuration, providers and strings, ~2 MiB of
        /// idle RSS (benchmarks/README.md). The host's choice.
        case onFirstCall
    }

    /// Prepares one multi handle per loop, on that loop: now (``Preparation/atStart``) or by the
    /// first transfer the loop runs. Returns once every loop has run its part, so a first call
    /// never waits for a loop thread still starting. Call ``shutdown()`` before the loops stop.
    public static func start(
        loops: [EventLoop], mail: MailSettings, compute: ComputePool, prepare: Preparation = .atStart
    ) async -> OutboundClient {
        let eager: Bool
        switch prepare {
        case .atStart:
            // Without the libraries the drivers stay unmade and every call fails, saying why.
            eager = CurlSetup.once() == nil
        case .onFirstCall:
            eager = false
        }
        var drivers: [LazyDriver] = []
        for loop in loops {
            let driver = LazyDriver(loop: loop)
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                loop.execute {
                    if eager { driver.prepare() }
                    continuation.resume()
                }
            }
            drivers.append(driver)
        }
        return OutboundClient(loops: loops, drivers: drivers, mail: mail, compute: compute)
    }

    private init(loops: [EventLoop], drivers: [LazyDriver], mail: MailSettings, compute: ComputePool) {
        self.loops = loops
        self.drivers = drivers
        self.mail = mail
        self.compute = compute
    }

    /// Cancels what is in flight and releases every handle, on each loop.
    public func shutdown() async {
        for driver in drivers {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                driver.loop.execute {
                    driver.close()
                    continuation.resume()
                }
            }
        }
    }

    // MARK: HTTP

    public func send(_ request: OutgoingRequest, deadline: ContinuousClock.Instant) async throws -> OutgoingResponse {
        var attempt = 0
        while true {
            attempt += 1
            let outcome: Result<OutgoingResponse, Error>
            do {
                outcome = .success(try await perform(.http(request), deadline: deadline))
            } catch {
                outcome = .failure(error)
            }
            let retryable: Bool
            switch outcome {
            case .success(let response): retryable = [502, 503, 504].contains(response.status)
            case .failure(let error as OutgoingError): retryable = error.kind == .transport
            case .failure: retryable = false
            }
            let pause = Duration.milliseconds(Int.random(in: 50...100) << (attempt - 1))
            guard request.idempotent, retryable, attempt < 3, ContinuousClock.now + pause < deadline else {
                return try outcome.get()
            }
            logger.warning(
                "retrying an outgoing call", metadata: ["url": "\(Self.redacted(request.url))", "attempt": "\(attempt)"])
            try await Task.sleep(for: pause)
        }
    }

    // MARK: Mail

    public func send(_ message: OutgoingMail, deadline: ContinuousClock.Instant) async throws -> String {
        guard let smtp = mail.smtp else { return try await writeFile(message) }
        _ = try await perform(.smtp(smtp, message), deadline: deadline)
        return "smtp"
    }

    /// The embedded default: the message as an `.eml` file (written on a compute thread, renamed
    /// into place so a reader never sees half a message).
    private func writeFile(_ message: OutgoingMail) async throws -> String {
        let folder = mail.directory
        return try await compute.run {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let name = "\(Int(Date().timeIntervalSince1970 * 1000))-\(UUID().uuidString.lowercased()).eml"
            let path = folder + "/" + name
            let temporary = folder + "/." + name + ".tmp"
            guard FileManager.default.createFile(atPath: temporary, contents: Data(message.message)) else {
                throw OutgoingError(.transport, "cannot write \(temporary)")
            }
            if rename(temporary, path) != 0 { throw OutgoingError(.transport, "cannot rename \(temporary)") }
            return path
        }
    }

    // MARK: Transfers

    private func perform(_ job: Transfer.Job, deadline: ContinuousClock.Instant) async throws -> OutgoingResponse {
        if !CurlSetup.isReady {
            // The first call sets libcurl and OpenSSL up on a compute thread: OpenSSL reads its
            // configuration and loads its providers, which would stall every connection of a loop.
            try Task.checkCancellation()
            if let failure = try await compute.run({ CurlSetup.once() }) {
                throw OutgoingError(.unavailable, failure)
            }
        }
        let left = ContinuousClock.now.duration(to: deadline)
        guard left > .milliseconds(1) else { throw OutgoingError(.timeout, "no time left for the call") }
        let driver = pickDriver()
        let transfer = Transfer(job: job, timeout: left)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<OutgoingResponse, Error>) in
                transfer.continuation = continuation
                driver.loop.execute { driver.start(transfer) }
            }
        } onCancel: {
            driver.loop.execute { driver.cancel(transfer) }
        }
    }

    /// The loop the caller runs on, if it is one of ours; else the next one in turn.
    private func pickDriver() -> LazyDriver {
        if let index = loops.firstIndex(where: { $0.inEventLoop }) { return drivers[index] }
        return drivers[next.add(1, ordering: .relaxed).newValue % drivers.count]
    }

    /// A URL without its query (which may carry credentials) for logs.
    static func redacted(_ url: String) -> String { String(url.prefix { $0 != "?" }) }
}

/// Where mail goes: an SMTP server (STARTTLS required unless explicitly turned off for a local
/// sink), or `.eml` files in a folder.
public struct MailSettings: Sendable {
    public struct SMTP: Sendable {
        /// `smtp://host:port` (STARTTLS) or `smtps://host:465` (implicit TLS).
        public var url: String
        public var username: String?
        public var password: String?
        /// Demand TLS (STARTTLS on smtp://); off only for a local test sink.
        public var requireTLS: Bool
        /// A CA bundle to trust (a test server's own certificate); the system's otherwise.
        public var caFile: String?

        public init(url: String, username: String? = nil, password: String? = nil, requireTLS: Bool = true, caFile: String? = nil)
        {
            self.url = url
            self.username = username
            self.password = password
            self.requireTLS = requireTLS
            self.caFile = caFile
        }
    }

    public var smtp: SMTP?
    /// Folder for `.eml` files when there is no SMTP server.
    public var directory: String

    public init(smtp: SMTP? = nil, directory: String) {
        self.smtp = smtp
        self.directory = directory
    }
}

/// One loop's ``MultiDriver``, made on that loop by the first transfer. Loop thread only.
final class LazyDriver: @unchecked Sendable {
    let loop: EventLoop
    private var made: MultiDriver?
    private var closed = false

    init(loop: EventLoop) { self.loop = loop }

    func start(_ transfer: Transfer) {
        guard !closed else {
            transfer.finish(.failure(OutgoingError(.unavailable, "the outgoing client is closed")))
            return
        }
        prepare().start(transfer)
    }

    /// The loop's multi handle, made now if it is not yet. Only once libcurl is loaded
    /// (``CurlSetup/once()`` returned nil, which every transfer's caller checked).
    @discardableResult
    func prepare() -> MultiDriver {
        if let made { return made }
        let driver = MultiDriver(loop: loop)
        made = driver
        return driver
    }

    /// A transfer not started yet (no driver, or not added) stops when it would start.
    func cancel(_ transfer: Transfer) {
        if let made { made.cancel(transfer) } else { transfer.cancelled = true }
    }

    func close() {
        closed = true
        made?.close()
        made = nil
    }
}

/// libcurl and OpenSSL, loaded (dlopen) and set up once per process (OpenSSL first, without its
/// exit-time cleanup). When the libraries cannot be loaded, every call fails with
/// ``OutgoingError/Kind/unavailable`` naming the package to install.
enum CurlSetup {
    private static let done: String? = {
        if let failure = soko_curl_load() { return String(cString: failure) }
        _ = soko_openssl_init()
        soko_curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        return nil
    }()
    private static let ready = Atomic(false)

    /// Loads and sets up the libraries; nil when done, else why they could not be loaded.
    @discardableResult
    static func once() -> String? {
        if let failure = done { return failure }
        ready.store(true, ordering: .releasing)
        return nil
    }

    static var isReady: Bool { ready.load(ordering: .acquiring) }
}
