import Foundation
import SokoFunctions
import SokoHTTP
import SokoManifest
import SokoTesting
import Synchronization
import Testing

@testable import SokoHost

/// Signals from the pipeline bundle's handlers to the test: the name of each function whose
/// handler has started (a test waits for it instead of sleeping).
private let started = Mutex<[String: AsyncStream<Void>.Continuation]>([:])

/// The stream a test awaits to know `function`'s handler started.
private func whenStarted(_ function: String) -> AsyncStream<Void> {
    let (stream, continuation) = AsyncStream<Void>.makeStream()
    started.withLock { $0[function] = continuation }
    return stream
}

/// The access-log lines of the metrics test's host.
private let loggedLines = Mutex<[String]>([])

private func signalStarted(_ function: String) {
    _ = started.withLock { $0[function] }?.yield()
}

/// Functions for every trigger, each exercising one stage of the pipeline.
enum PipelineBundle: FunctionBundle {
    static let service = "pipe"

    struct Call: Codable, Sendable {
        var function: String
    }

    struct Seen: Codable, Sendable, Equatable {
        var subject: String?
        var isService: Bool
    }

    struct Boom: Error {}

    struct Thing: Codable, Sendable {
        var n: Int
    }

    static func register(_ registry: inout FunctionRegistry) {
        // Calls another function of this process and answers with the callee's raw response.
        registry.typed("call") { (input: Call, context) -> FunctionResponse in
            guard let invoker = context.invoker else { throw Boom() }
            return try await invoker.invoke(
                service: "pipe", function: input.function, body: Array("{}".utf8), idempotent: false, caller: context)
        }
        registry.raw("whoami") { _, context in
            try FunctionResponse.json(Seen(subject: context.identity?.subject, isService: context.identity?.isService ?? false))
        }
        for name in ["fails", "failsPublic", "forCustomers"] {
            registry.raw(name) { _, _ in throw Boom() }
        }
        for name in ["hangs", "capped"] {
            registry.raw(name) { _, _ in
                signalStarted(name)
                try await Task.sleep(for: .seconds(3600))  // until the pipeline cancels it
                return .noContent
            }
        }
        // Synchronous and public, so HTTP answers it on the loop.
        registry.raw("cappedSync", synchronous: { _, _ in .text("done") })
        registry.raw("tick") { _, _ in
            signalStarted("tick")
            try await Task.sleep(for: .seconds(3600))
            return .noContent
        }
        for name in ["slowConsumer", "cappedConsumer"] {
            registry.event(name) { (_: Event<Thing>, _) in
                signalStarted(name)
                try await Task.sleep(for: .seconds(3600))
            }
        }
    }

    static let manifest = """
        service: pipe
        functions:
          call:
            http: POST /call
            auth: public
            timeout: 30s
          whoami:
            http: POST /whoami
            auth: service
          fails:
            http: POST /fails
            auth: service
          failsPublic:
            http: POST /fails-public
            auth: public
          forCustomers:
            http: POST /for-customers
            auth: customer
          hangs:
            http: POST /hangs
            auth: service
            timeout: 100ms
          capped:
            http: POST /capped
            auth: service
            concurrency: 1
            timeout: 60s
          cappedSync:
            http: GET /capped-sync
            auth: public
            concurrency: 1
          tick:
            schedule: "0 0 1 1 *"
            timeout: 100ms
          slowConsumer:
            event: thing.slow
            timeout: 100ms
          cappedConsumer:
            event: thing.capped
            concurrency: 1
            timeout: 60s
        """

    /// A host of this bundle alone, its access-log lines captured.
    static func start(log: (@Sendable (String) -> Void)? = nil) async throws -> (FunctionHost, InProcessInvoker) {
        var configuration = TestHost.defaultConfiguration()
        if let log { configuration.accessLog = .capture(log) }
        let host = try FunctionHost(
            manifests: [try ManifestParser.parse(yaml: manifest, file: "pipe.yaml")], bundles: [PipelineBundle.self],
            configuration: configuration)
        return (host, try await InProcessInvoker.start(host))
    }

    static func envelope(_ name: String) throws -> [UInt8] {
        try EventRelay.envelope(
            id: UUID().uuidString, name: name, source: "pipe", occurredAt: "2026-01-01T00:00:00Z", payload: #"{"n":1}"#)
    }
}

extension InProcessInvoker {
    fileprivate func post(_ path: String, _ json: String = "{}") async -> HTTPResponse {
        await invoke(
            HTTPRequest(
                head: HTTPRequestHead(
                    method: "POST", target: path, headers: ["Host": "x", "Content-Type": "application/json"],
                    contentLength: json.utf8.count),
                body: Array(json.utf8)))
    }

    fileprivate func call(_ function: String) async -> HTTPResponse {
        await post("/call", #"{"function":"\#(function)"}"#)
    }

    fileprivate func runtime(_ name: String) throws -> FunctionRuntime {
        try #require(host.functions.first { $0.name == name })
    }
}

private func problem(_ body: [UInt8]) -> ProblemDocument? {
    try? JSONCoding.decode(ProblemDocument.self, from: body)
}

@Suite("One invocation pipeline for every trigger")
struct InvocationPipelineTests {
    // MARK: identity and policy

    @Test func identityIsTheTokensCallerOverHTTPTheCallingServiceForInvokeAndNoneForTheHost() async throws {
        let (_, invoker) = try await PipelineBundle.start()
        let overHTTP = await invoker.post("/whoami")
        #expect(overHTTP.status == 401)
        #expect(problem(overHTTP.body)?.code == "unauthorized")

        let invoked = await invoker.call("whoami")
        #expect(invoked.status == 200)
        let seen = try JSONCoding.decode(PipelineBundle.Seen.self, from: invoked.body)
        #expect(seen == PipelineBundle.Seen(subject: "pipe", isService: true))

        let byHost = try #require(
            try await invoker.pipeline.callInProcess(service: "pipe", function: "whoami", method: "POST", path: "/whoami"))
        #expect(try JSONCoding.decode(PipelineBundle.Seen.self, from: byHost.body).subject == nil)
        #expect(await invoker.shutdown())
    }

    @Test func policyRefusesAServiceCallingAUsersFunction() async throws {
        let (_, invoker) = try await PipelineBundle.start()
        let response = await invoker.call("forCustomers")
        #expect(response.status == 403)
        #expect(response.headers["Content-Type"] == "application/problem+json")
        #expect(problem(response.body)?.code == "forbidden")
        #expect(await invoker.shutdown())
    }

    // MARK: problem

    @Test func aThrownErrorIsTheSameProblemOverHTTPAndThroughInvoke() async throws {
        let (_, invoker) = try await PipelineBundle.start()
        let overHTTP = await invoker.post("/fails-public")
        let invoked = await invoker.call("fails")
        for response in [overHTTP, invoked] {
            #expect(response.status == 500)
            #expect(response.headers["Content-Type"] == "application/problem+json")
        }
        let http = try #require(problem(overHTTP.body))
        let invoke = try #require(problem(invoked.body))
        #expect(http.code == "internal")
        #expect(invoke.code == http.code)
        #expect(invoke.title == http.title)
        #expect(invoke.detail == http.detail)
        // The callee's problem carries the caller's request id (the one the caller answers with).
        #expect(invoke.requestID != nil)
        #expect(invoke.requestID == invoked.headers["X-Request-ID"])
        // A schedule's run (or an event's) renders it the same way, with its own request id.
        let scheduled = await invoker.pipeline.run(
            Invocation(
                function: try invoker.runtime("fails"), trigger: .schedule,
                request: FunctionRequest(method: "SCHEDULE", path: "/"), requestID: "tick-9",
                deadline: ContinuousClock.now + Duration.seconds(30)))
        #expect(scheduled.status == 500)
        #expect(scheduled.headers["Content-Type"] == "application/problem+json")
        let schedule = try #require(problem(scheduled.body))
        #expect(schedule.code == http.code)
        #expect(schedule.detail == http.detail)
        #expect(schedule.requestID == "tick-9")
        #expect(await invoker.shutdown())
    }

    // MARK: deadline

    @Test func pastItsTimeoutAnInvokedFunctionIs504AndItsHandlerCancelled() async throws {
        let (_, invoker) = try await PipelineBundle.start()
        let response = await invoker.call("hangs")
        #expect(response.status == 504)
        #expect(response.headers["Content-Type"] == "application/problem+json")
        #expect(problem(response.body)?.code == "timeout")
        #expect(await invoker.shutdown())
    }

    @Test func anOverrunningLocalConsumerIsAnswered504AndDoesNotHoldTheRelay() async throws {
        let (_, invoker) = try await PipelineBundle.start()
        let status = try await invoker.pipeline.deliver(
            envelope: try PipelineBundle.envelope("thing.slow"), from: "pipe", to: "pipe.slowConsumer",
            requestID: "evt-1", timeout: Duration.seconds(30))
        #expect(status == 504)
        #expect(await invoker.shutdown())
    }

    @Test func anOverrunningScheduleIs504() async throws {
        let (_, invoker) = try await PipelineBundle.start()
        let response = await invoker.pipeline.run(
            Invocation(
                function: try invoker.runtime("tick"), trigger: .schedule,
                request: FunctionRequest(method: "SCHEDULE", path: "/"),
                requestID: "tick-1", deadline: ContinuousClock.now + Duration.seconds(30)))
        #expect(response.status == 504)
        #expect(problem(response.body)?.code == "timeout")
        #expect(await invoker.shutdown())
    }

    // MARK: limits

    @Test func theConcurrencyCapHoldsForInvoke() async throws {
        let (_, invoker) = try await PipelineBundle.start()
        var entered = whenStarted("capped").makeAsyncIterator()
        let first = Task { await invoker.call("capped") }
        _ = await entered.next()
        let second = await invoker.call("capped")
        #expect(second.status == 503)
        #expect(problem(second.body)?.code == "over-capacity")
        #expect(second.headers["Retry-After"] == "1")
        // Shutting down answers the held call (504) and cancels its handler.
        #expect(await invoker.shutdown())
        #expect(await first.value.status == 504)
    }

    @Test func theConcurrencyCapHoldsOnTheSynchronousPath() async throws {
        let (_, invoker) = try await PipelineBundle.start()
        let function = try invoker.runtime("cappedSync")
        #expect(invoker.pipeline.answersOnTheLoop(function))
        let get = HTTPRequest(head: HTTPRequestHead(method: "GET", target: "/capped-sync", headers: ["Host": "x"]))
        // The slot is taken and given back on the loop, after any run the loop finished before
        // (a response reaches the test before its run gives the slot back).
        let loop = invoker.group.loops[0]
        func onLoop<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
            await withCheckedContinuation { continuation in loop.execute { continuation.resume(returning: body()) } }
        }
        // A run in flight holds the function's one slot (a synchronous run cannot be caught
        // midway on one loop, so the test holds the slot as that run would).
        #expect(await onLoop { function.acquire() })
        let refused = await invoker.invoke(get)
        #expect(refused.status == 503)
        #expect(problem(refused.body)?.code == "over-capacity")
        #expect(refused.headers["Retry-After"] == "1")
        await onLoop { function.release() }
        let answered = await invoker.invoke(get)
        #expect(answered.status == 200)
        #expect(String(decoding: answered.body, as: UTF8.self) == "done")
        // Neither answer left the count off: with the slot held again the next request is refused
        // (a release too many by the refused one would have left room for it).
        #expect(await onLoop { function.acquire() })
        #expect(await invoker.invoke(get).status == 503)
        await onLoop { function.release() }
        #expect(await invoker.invoke(get).status == 200)
        #expect(await invoker.shutdown())
    }

    @Test func theConcurrencyCapHoldsForEvents() async throws {
        let (_, invoker) = try await PipelineBundle.start()
        let pipeline = invoker.pipeline
        let envelope = try PipelineBundle.envelope("thing.capped")
        var entered = whenStarted("cappedConsumer").makeAsyncIterator()
        let first = Task {
            try await pipeline.deliver(
                envelope: envelope, from: "pipe", to: "pipe.cappedConsumer", requestID: "evt-a", timeout: Duration.seconds(60))
        }
        _ = await entered.next()
        let second = try await pipeline.deliver(
            envelope: envelope, from: "pipe", to: "pipe.cappedConsumer", requestID: "evt-b", timeout: Duration.seconds(60))
        #expect(second == 503)
        #expect(await invoker.shutdown())
        #expect(try await first.value == 504)
    }

    // MARK: metrics and log

    @Test func runsOfEveryTriggerAreCountedAndLoggedWithTheirTrigger() async throws {
        let (_, invoker) = try await PipelineBundle.start { line in loggedLines.withLock { $0.append(line) } }
        #expect(await invoker.call("whoami").status == 200)
        _ = try await invoker.pipeline.deliver(
            envelope: try PipelineBundle.envelope("thing.slow"), from: "pipe", to: "pipe.slowConsumer", requestID: "evt-2",
            timeout: Duration.seconds(30))
        _ = await invoker.pipeline.run(
            Invocation(
                function: try invoker.runtime("tick"), trigger: .schedule,
                request: FunctionRequest(method: "SCHEDULE", path: "/"),
                requestID: "tick-2", deadline: ContinuousClock.now + Duration.seconds(30)))
        let metrics = await invoker.invoke(
            HTTPRequest(head: HTTPRequestHead(method: "GET", target: "/metrics", headers: ["Host": "x"])))
        let text = String(decoding: metrics.body, as: UTF8.self)
        #expect(text.contains(#"http_requests_total{function="whoami",code="200"} 1"#))
        #expect(text.contains(#"http_requests_total{function="slowConsumer",code="504"} 1"#))
        #expect(text.contains(#"http_requests_total{function="tick",code="504"} 1"#))
        #expect(await invoker.shutdown())
        let lines = loggedLines.withLock { $0 }
        #expect(lines.contains { $0.contains(#""function":"whoami""#) && $0.contains(#""method":"INVOKE""#) })
        #expect(lines.contains { $0.contains(#""function":"slowConsumer""#) && $0.contains(#""method":"EVENT""#) })
        #expect(lines.contains { $0.contains(#""function":"tick""#) && $0.contains(#""method":"SCHEDULE""#) })
    }
}
