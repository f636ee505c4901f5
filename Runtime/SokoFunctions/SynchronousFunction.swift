/// A raw function that answers without suspending: no `await`, no store, no outgoing call, and
/// bounded work (`GET /hello`). The host calls it on the loop that read the request, with no
/// task, when its route needs no awaited check (a `public` or `webhook` function without
/// `rateLimit:`); otherwise it runs like any ``RawFunction``. Registered by `registry.add(Hello.self)`.
public protocol SynchronousRawFunction: NamedFunction {
    static func run(_ request: FunctionRequest, context: FunctionContext) throws -> FunctionResponse
}

/// A typed function that answers without suspending, as ``SynchronousRawFunction``: JSON body →
/// `Input`, `Output` → 200 JSON. Registered by `registry.add(Echo.self)`.
public protocol SynchronousFunction: NamedFunction {
    associatedtype Input: Decodable & Sendable = NoInput
    associatedtype Output: Encodable & Sendable
    static func run(_ input: Input, context: FunctionContext) throws -> Output
}

extension FunctionRegistry {
    /// Registers a synchronous raw function.
    public mutating func add<F: SynchronousRawFunction>(_ function: F.Type) {
        raw(F.name, synchronous: { request, context in try F.run(request, context: context) })
    }

    /// Registers a synchronous typed function; its output is JSON (200).
    public mutating func add<F: SynchronousFunction>(_ function: F.Type) {
        typed(F.name, synchronous: { (input: F.Input, context) throws -> F.Output in try F.run(input, context: context) })
    }
}
