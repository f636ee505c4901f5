/// A typed reference to another service's function: its name and its wire types, declared once
/// (the `Contracts` target) for the caller and the callee.
///
/// ```swift
/// let found = try await context.invoke(CatalogContract.lookupProducts, ProductLookup(productIDs: ids))
/// ```
public struct Contract<Input: Encodable & Sendable, Output: Decodable & Sendable>: Sendable {
    public let service: String
    public let function: String
    /// Whether running the call twice is harmless: then a transport failure or a 502/503/504 is
    /// retried within the deadline.
    public let idempotent: Bool

    public init(service: String, function: String, idempotent: Bool = false) {
        self.service = service
        self.function = function
        self.idempotent = idempotent
    }
}

extension FunctionContext {
    /// Calls the function `contract` names with `input` and decodes its answer as the contract's
    /// output; errors as for ``invoke(_:_:_:as:idempotent:)``.
    public func invoke<Input, Output>(_ contract: Contract<Input, Output>, _ input: Input) async throws -> Output {
        try await invoke(contract.service, contract.function, input, as: Output.self, idempotent: contract.idempotent)
    }
}

/// A typed reference to an event: its name and payload, declared once (the `Contracts` target)
/// for its producer and its consumers.
///
/// ```swift
/// try transaction.emit(UsersEvents.registered, UserRegistered(userID: id, email: email, name: name))
/// ```
public struct EventContract<Payload: Codable & Sendable>: Sendable {
    /// `user.registered`, `payment.succeeded`: what consumers name in their manifests.
    public let name: String

    public init(_ name: String) { self.name = name }
}

extension Transaction {
    /// Writes `payload` as the event `contract` names into the outbox; see ``emit(_:_:)-(String,_)``.
    @discardableResult
    public func emit<Payload>(_ contract: EventContract<Payload>, _ payload: Payload) throws -> String {
        try emit(contract.name, payload)
    }
}
