import SokoFunctions
import Synchronization
import Testing

/// `context.invoke(contract, input)` calls what the contract names, as it says, with its types.
@Suite("Contracts")
struct ContractTests {
    struct Question: Codable, Sendable, Equatable { var id: String }
    struct Answer: Codable, Sendable, Equatable { var name: String }

    /// Records each call and answers `answer` with `status`.
    final class Recorder: FunctionInvoker {
        let calls = Mutex<[(service: String, function: String, body: [UInt8], idempotent: Bool)]>([])
        let status: Int
        let answer: String

        init(status: Int = 200, answer: String) {
            self.status = status
            self.answer = answer
        }

        func invoke(service: String, function: String, body: [UInt8], idempotent: Bool, caller: FunctionContext)
            async throws -> FunctionResponse
        {
            calls.withLock { $0.append((service, function, body, idempotent)) }
            return FunctionResponse(status: status, headers: ["Content-Type": "application/json"], body: Array(answer.utf8))
        }
    }

    static let lookup = Contract<Question, Answer>(service: "catalog", function: "lookup", idempotent: true)

    static func context(_ invoker: Recorder) -> FunctionContext {
        FunctionContext(
            requestID: "contract", deadline: .now + .seconds(5), service: "orders", function: "placeOrder",
            request: FunctionRequest(method: "POST", path: "/"), invoker: invoker, logger: Logger(label: "contract"))
    }

    @Test func aCallGoesWhereTheContractSaysWithItsTypes() async throws {
        let recorder = Recorder(answer: #"{"name":"Kettle"}"#)
        let answer = try await Self.context(recorder).invoke(Self.lookup, Question(id: "p1"))
        #expect(answer == Answer(name: "Kettle"))
        let call = try #require(recorder.calls.withLock { $0.first })
        #expect(call.service == "catalog" && call.function == "lookup" && call.idempotent)
        #expect(try JSONCoding.decode(Question.self, from: call.body) == Question(id: "p1"))
    }

    @Test func aRefusalAndAnUnreadableAnswerAreInvocationErrors() async throws {
        let refused = Recorder(status: 404, answer: #"{"status":404,"code":"product-not-found","detail":"no"}"#)
        await #expect(throws: InvocationError.self) { try await Self.context(refused).invoke(Self.lookup, Question(id: "p1")) }
        let garbled = Recorder(answer: #"{"title":"Kettle"}"#)
        do {
            _ = try await Self.context(garbled).invoke(Self.lookup, Question(id: "p1"))
            Issue.record("decoded an answer without its fields")
        } catch let error as InvocationError {
            #expect(error.status == 502)
        }
    }
}
