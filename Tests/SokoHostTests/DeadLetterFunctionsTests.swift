import Foundation
import SokoFunctions
import SokoHost
import SokoTesting
import Testing

/// A service that reads another service's dead letters the way the merchant console does: through
/// `context.invoke` of the host's `_deadLetters` and `_retryDeadLetter` functions.
enum OperatorBundle: FunctionBundle {
    static let service = "operator"

    struct Target: Codable, Sendable {
        var service: String
        var eventID: String?

        enum CodingKeys: String, CodingKey {
            case service
            case eventID = "event_id"
        }
    }

    static func register(_ registry: inout FunctionRegistry) {
        registry.typed("dead") { (input: Target, context) -> DeadLetterList in
            try await context.invoke(DeadLetters.list(input.service), DeadLetterQuery())
        }
        registry.typed("retry") { (input: Target, context) -> DeadLetterRetried in
            try await context.invoke(DeadLetters.retry(input.service), DeadLetterRetry(eventID: input.eventID ?? ""))
        }
    }

    static let manifest = """
        service: operator
        functions:
          dead:
            http: POST /dead
            auth: public
          retry:
            http: POST /retry
            auth: public
        """
}

@Suite("Dead letters over function invocation")
struct DeadLetterFunctionsTests {
    static func host() async throws -> TestHost {
        try await TestHost(
            bundles: [OutboxBundle.self, OperatorBundle.self],
            manifests: ["outbox.yaml": OutboxBundle.manifest, "operator.yaml": OperatorBundle.manifest],
            configuration: OutboxBundle.configuration())
    }

    @Test func anotherServiceListsAndRetriesADeadLetter() async throws {
        let host = try await Self.host()
        let store = host.host.stores.store(for: "outbox")
        let key = UUID().uuidString
        let emitted = await host.request(
            "POST", "/emit", body: Array(#"{"event":"thing.doomed","key":"\#(key)","count":1,"failures":1000}"#.utf8))
        #expect(emitted.status == 204)
        #expect(
            try await eventually {
                try await EventRelayTests.count(store, "SELECT COUNT(*) AS n FROM soko_deliveries WHERE status = 'dead'") == 1
            })

        let listed = try await host.request("POST", "/dead", json: ["service": "outbox"])
        #expect(listed.status == 200)
        let list = try listed.json(DeadLetterList.self)
        #expect(list.service == "outbox")
        let letter = try #require(list.items.first)
        #expect(list.items.count == 1)
        #expect(letter.consumer == "outbox.doomed" && letter.event == "thing.doomed" && letter.attempts == 3)
        #expect(letter.lastError.contains("503"))

        // Unknown ids are 404 with a problem; a bad one is 422; both reach the caller as such.
        let missing = try await host.request("POST", "/retry", json: ["service": "outbox", "event_id": "no-such-event"])
        #expect(missing.status == 404)
        #expect(missing.problem?.code == "dead-letter-not-found")
        let blank = try await host.request("POST", "/retry", json: ["service": "outbox", "event_id": " "])
        #expect(blank.status == 422)

        // Fixed consumer, replayed: delivered once, and the list is empty again.
        OutboxBundle.forgive(letter.eventID)
        let retried = try await host.request("POST", "/retry", json: ["service": "outbox", "event_id": letter.eventID])
        #expect(retried.status == 200)
        #expect(try retried.json(DeadLetterRetried.self) == DeadLetterRetried(eventID: letter.eventID, requeued: 1))
        #expect(
            try await eventually {
                try await EventRelayTests.count(store, "SELECT COUNT(*) AS n FROM consumed WHERE key = $1", [.text(key)]) == 1
            })
        let after = try await host.request("POST", "/dead", json: ["service": "outbox"])
        #expect(try after.json(DeadLetterList.self).items.isEmpty)
        #expect(await host.shutdown())
    }

    @Test func theRoutesTakeOnlyTheServiceToken() async throws {
        let host = try await Self.host()
        // No token: 401; the gateway never routes /_soko anyway.
        #expect(await host.request("POST", "/_soko/dead-letters/outbox").status == 401)
        #expect(await host.request("POST", "/_soko/dead-letters/outbox/retry", body: Array("{}".utf8)).status == 401)
        // A service without a store has no dead letters to show, and none is served for it.
        #expect(await host.request("POST", "/_soko/dead-letters/operator").status == 404)
        let routes = host.host.routes.filter { $0.path.hasPrefix("/_soko/dead-letters/") }
        #expect(routes.map(\.path).sorted() == ["/_soko/dead-letters/outbox", "/_soko/dead-letters/outbox/retry"])
        #expect(routes.allSatisfy { $0.auth == "service" && $0.method == "POST" })
        #expect(await host.shutdown())
    }
}
