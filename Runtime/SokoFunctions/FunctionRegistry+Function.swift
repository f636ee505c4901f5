/// One-line registration of ``Function``, ``DependentFunction``, ``EventFunction``,
/// ``DependentEventFunction``, ``RawFunction`` and ``DependentRawFunction`` types under their ``NamedFunction/name``. The overloads pick how the output
/// becomes a response when the bundle is compiled, not per call.
extension FunctionRegistry {
    /// Registers a function whose output is JSON (200).
    public mutating func add<F: Function>(_ function: F.Type) where F.Output: Encodable {
        typed(F.name) { (input: F.Input, context) -> F.Output in try await F.run(input, context: context) }
    }

    /// Registers a function that answers with a ``Reply`` (its own status and headers).
    public mutating func add<F: Function, Body: Encodable & Sendable>(_ function: F.Type) where F.Output == Reply<Body> {
        typed(F.name) { (input: F.Input, context) -> Reply<Body> in try await F.run(input, context: context) }
    }

    /// Registers a function that builds its own ``FunctionResponse``.
    public mutating func add<F: Function>(_ function: F.Type) where F.Output == FunctionResponse {
        typed(F.name) { (input: F.Input, context) -> FunctionResponse in try await F.run(input, context: context) }
    }

    /// Registers a function that returns nothing: 204.
    public mutating func add<F: Function>(_ function: F.Type) where F.Output == Void {
        typed(F.name) { (input: F.Input, context) -> FunctionResponse in
            try await F.run(input, context: context)
            return .noContent
        }
    }

    /// Registers a function with dependencies; its output is JSON (200).
    public mutating func add<F: DependentFunction>(_ function: F) where F.Output: Encodable {
        typed(F.name) { (input: F.Input, context) -> F.Output in try await function.run(input, context: context) }
    }

    /// Registers a function with dependencies that answers with a ``Reply``.
    public mutating func add<F: DependentFunction, Body: Encodable & Sendable>(_ function: F) where F.Output == Reply<Body> {
        typed(F.name) { (input: F.Input, context) -> Reply<Body> in try await function.run(input, context: context) }
    }

    /// Registers a function with dependencies that builds its own ``FunctionResponse``.
    public mutating func add<F: DependentFunction>(_ function: F) where F.Output == FunctionResponse {
        typed(F.name) { (input: F.Input, context) -> FunctionResponse in try await function.run(input, context: context) }
    }

    /// Registers a function with dependencies that returns nothing: 204.
    public mutating func add<F: DependentFunction>(_ function: F) where F.Output == Void {
        typed(F.name) { (input: F.Input, context) -> FunctionResponse in
            try await function.run(input, context: context)
            return .noContent
        }
    }

    /// Registers an event consumer.
    public mutating func add<F: EventFunction>(_ function: F.Type) {
        event(F.name) { (event: Event<F.Payload>, context) in _ = try await F.run(event, context: context) }
    }

    /// Registers an event consumer with dependencies.
    public mutating func add<F: DependentEventFunction>(_ function: F) {
        event(F.name) { (event: Event<F.Payload>, context) in _ = try await function.run(event, context: context) }
    }

    /// Registers a raw function.
    public mutating func add<F: RawFunction>(_ function: F.Type) {
        raw(F.name) { request, context in try await F.run(request, context: context) }
    }

    /// Registers a raw function with dependencies.
    public mutating func add<F: DependentRawFunction>(_ function: F) {
        raw(F.name) { request, context in try await function.run(request, context: context) }
    }
}
