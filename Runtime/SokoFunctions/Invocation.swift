// Full Foundation only so that modules built on SokoFunctions (bundles, SokoOutbound) still see
// its String extensions (`trimmingCharacters`, `replacingOccurrences`) until they stop using
// them; nothing here uses it. Then: `FoundationEssentials`, as in the rest of this module.
import Foundation

/// Calls a function of another (or the same) service by name, the way the host wires it: in-process
/// when that function is loaded in this process, else over HTTP to the service that owns it, with
/// a service token. Handlers use ``FunctionContext/invoke(_:_:_:as:idempotent:)``.
public protocol FunctionInvoker: Sendable {
    /// Sends `body` (JSON) to `service.function` on behalf of `caller`, within the caller's deadline.
    /// Retries only when `idempotent` is true. A non-2xx answer comes back as a response, not an error;
    /// an unreachable service or a passed deadline throws ``InvocationError``.
    func invoke(
        service: String, function: String, body: [UInt8], idempotent: Bool, caller: FunctionContext
    ) async throws -> FunctionResponse
}

/// A function call that did not produce a usable answer.
public struct InvocationError: ProblemConvertible, CustomStringConvertible {
    public let service: String
    public let function: String
    /// The callee's problem (its status and code kept), or the host's own 502/503/504.
    public let problem: Problem

    public init(service: String, function: String, problem: Problem) {
        self.service = service
        self.function = function
        self.problem = problem
    }

    /// The callee's status (or 502/503/504 when it could not be reached).
    public var status: Int { problem.status }
    /// The callee's problem code (`urn:soko:problem:<code>`).
    public var code: String { problem.code }

    public var description: String { "\(service).\(function): \(problem.status) \(problem.code): \(problem.detail)" }
}

extension FunctionContext {
    /// Calls `service.function` with `input` as its JSON body and decodes its JSON answer.
    ///
    /// ```swift
    /// let found = try await context.invoke("catalog", "lookupProducts", LookupInput(ids: ids), as: LookupOutput.self)
    /// ```
    ///
    /// A 4xx/5xx answer throws ``InvocationError`` carrying the callee's problem, so a handler that
    /// does not catch it passes the callee's status and code on to its own caller. Set `idempotent`
    /// only when running the call twice is harmless: then a transport failure or a 502/503/504 is
    /// retried with backoff within the deadline.
    public func invoke<Input: Encodable & Sendable, Output: Decodable & Sendable>(
        _ service: String, _ function: String, _ input: Input, as output: Output.Type = Output.self,
        idempotent: Bool = false
    ) async throws -> Output {
        guard let invoker else {
            throw InvocationError(
                service: service, function: function,
                problem: Problem(status: 503, code: "invocation-unavailable", detail: "this context cannot call other functions"))
        }
        let response = try await invoker.invoke(
            service: service, function: function, body: try JSONCoding.encode(input), idempotent: idempotent, caller: self)
        guard (200..<300).contains(response.status) else {
            throw InvocationError(service: service, function: function, problem: Self.problem(in: response))
        }
        if Output.self == NoInput.self { return NoInput() as! Output }
        do {
            return try JSONCoding.decode(Output.self, from: response.body)
        } catch {
            throw InvocationError(
                service: service, function: function,
                problem: Problem(
                    status: 502, code: "bad-upstream-answer",
                    detail: "\(service).\(function) answered with a body that could not be read: \(error)"))
        }
    }

    private static func problem(in response: FunctionResponse) -> Problem {
        struct Wire: Decodable {
            var status: Int?
            var code: String?
            var title: String?
            var detail: String?
            var errors: [FieldError]?
        }
        let wire = try? JSONCoding.decode(Wire.self, from: response.body)
        return Problem(
            status: response.status, code: wire?.code ?? "upstream-error", title: wire?.title,
            detail: wire?.detail ?? "the called function answered \(response.status)", errors: wire?.errors)
    }
}
