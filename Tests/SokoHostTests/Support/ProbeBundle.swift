import Glibc
import SokoFunctions
import Synchronization

/// A gate the test opens: handlers wait on it, the test learns how many arrived.
final class Gate: Sendable {
    private let state = Mutex<(arrived: Int, open: Bool, waiters: [CheckedContinuation<Void, Never>])>((0, false, []))

    func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { s -> Bool in
                s.arrived += 1
                if s.open { return true }
                s.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    var arrived: Int { state.withLock { $0.arrived } }

    func open() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.open = true
            defer { s.waiters = [] }
            return s.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Polls (yielding, no sleeping) until `count` handlers are waiting.
    func waitForArrivals(_ count: Int) async {
        while arrived < count { await Task.yield() }
    }
}

/// Gates shared between a test and the probe handlers, keyed by name from the query string.
enum Gates {
    static let registry = Mutex<[String: Gate]>([:])
    static func gate(_ name: String) -> Gate {
        registry.withLock { gates in
            if let gate = gates[name] { return gate }
            let gate = Gate()
            gates[name] = gate
            return gate
        }
    }
}

struct Widget: Codable, Sendable, Equatable {
    var name: String
    var quantity: Int
}

/// Handlers that exercise the host: blocking, timing out, failing, reading parameters.
enum ProbeBundle: FunctionBundle {
    static let service = "probe"

    static func register(_ registry: inout FunctionRegistry) {
        registry.raw("hello") { _, _ in .text("hello") }
        registry.typed("echo") { (input: JSONValue, _) in input }
        registry.typed("createWidget") { (widget: Widget, _) in Reply.created(widget, location: "/widgets/1") }
        registry.raw("item") { request, context in
            .text("id=\(context.pathParameter("id") ?? "-") q=\(request.query["q"] ?? "-") m=\(request.method)")
        }
        registry.raw("wait") { request, _ in
            await Gates.gate(request.query["gate"] ?? "default").wait()
            return .text("released")
        }
        registry.raw("stuck") { _, _ in
            try await Task.sleep(for: .seconds(30))
            return .text("too late")
        }
        registry.raw("fail") { request, _ in
            if request.query["kind"] == "problem" { throw FunctionError.conflict("widget already exists") }
            struct Boom: Error {}
            throw Boom()
        }
        registry.raw("upload") { request, _ in .text("\(request.body.count)") }
        registry.raw("client") { request, _ in .text(request.clientAddress) }
        registry.raw("thread") { _, _ in
            let before = UInt(bitPattern: Int(bitPattern: UInt(pthread_self())))
            try await Task.sleep(for: .milliseconds(1))  // a real suspension, resumed by a timer elsewhere
            let after = UInt(bitPattern: Int(bitPattern: UInt(pthread_self())))
            return .text("\(before) \(after)")
        }
        registry.raw("context") { _, context in
            .text("\(context.requestID) \(context.service).\(context.function) \(context.timeRemaining > .zero)")
        }
        // Synchronous handlers: answered on the loop, without a task, when their route allows it.
        registry.raw(
            "syncContext",
            synchronous: { request, context in
                .text("\(context.requestID) \(context.service).\(context.function) q=\(request.query["q"] ?? "-")")
            })
        registry.typed("syncEcho", synchronous: { (input: JSONValue, _) in input })
        registry.raw("syncFail", synchronous: { _, _ in throw FunctionError.conflict("widget already exists") })
        registry.raw(
            "syncOverrun",
            synchronous: { _, context in
                while context.timeRemaining > .zero {}  // works past its deadline, which the loop cannot interrupt
                return .text("too late")
            })
        registry.raw("syncPrivate", synchronous: { _, context in .text(context.identity?.subject ?? "-") })
    }

    static let manifest = """
        service: probe
        functions:
          hello:
            http: GET /hello
            auth: public
          echo:
            http: POST /echo
            auth: public
          createWidget:
            http: POST /widgets
            auth: public
          item:
            http:
              - GET /items/{id}
              - DELETE /items/{id}
            auth: public
          wait:
            http: GET /wait
            auth: public
            concurrency: 2
          stuck:
            http: GET /stuck
            auth: public
            timeout: 200ms
          fail:
            http: GET /fail
            auth: public
          upload:
            http: POST /upload
            auth: public
            bodyLimit: 1KiB
          thread:
            http: GET /thread
            auth: public
          context:
            http: GET /context
            auth: public
          client:
            http: GET /client
            auth: public
          syncContext:
            http: GET /sync/context
            auth: public
          syncEcho:
            http: POST /sync/echo
            auth: public
          syncFail:
            http: GET /sync/fail
            auth: public
          syncOverrun:
            http: GET /sync/overrun
            auth: public
            timeout: 5ms
          syncPrivate:
            http: GET /sync/private
            auth: customer
        """
}
