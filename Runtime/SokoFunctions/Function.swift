/// A typed function: one type per handler, its input and output beside it, registered by one
/// line (`registry.add(ListCategories.self)`) under ``name``.
///
/// ```swift
/// enum Echo: Function {
///     static func run(_ input: JSONValue, context: FunctionContext) async throws -> JSONValue { input }
/// }
/// ```
///
/// `Input` is decoded from the JSON body (``NoInput`` for a function that reads none: a body that
/// is not JSON is 400, a missing or mistyped field 422). `Output` is one of: an `Encodable` value
/// (200 JSON), a ``Reply`` (its status and headers), a ``FunctionResponse`` (as it is) or `Void`
/// (204). Errors thrown become problem+json in the host.
///
/// A handler that needs what its bundle builds at registration (settings, gateways, a password
/// hasher) is a ``DependentFunction`` instead: an instance the bundle constructs.
public protocol Function: NamedFunction {
    associatedtype Input: Decodable & Sendable = NoInput
    associatedtype Output: Sendable
    static func run(_ input: Input, context: FunctionContext) async throws -> Output
}

/// A typed function with dependencies the bundle passes when it registers it:
/// `registry.add(AddToCart(settings: settings))`. Input and output as for ``Function``.
public protocol DependentFunction: NamedFunction {
    associatedtype Input: Decodable & Sendable = NoInput
    associatedtype Output: Sendable
    func run(_ input: Input, context: FunctionContext) async throws -> Output
}

/// An event consumer (a manifest entry with `event: <name>`), registered by
/// `registry.add(ClearOrderedItems.self)`; see ``FunctionRegistry/event(_:_:)`` for delivery.
/// `Outcome` is what `run` returns for its tests (whether it acted, what it sent); delivery ignores it.
public protocol EventFunction: NamedFunction {
    associatedtype Payload: Codable & Sendable
    associatedtype Outcome: Sendable = Void
    static func run(_ event: Event<Payload>, context: FunctionContext) async throws -> Outcome
}

/// An event consumer with dependencies the bundle passes when it registers it:
/// `registry.add(SendWelcome(settings: settings))`. Payload and outcome as for ``EventFunction``.
public protocol DependentEventFunction: NamedFunction {
    associatedtype Payload: Codable & Sendable
    associatedtype Outcome: Sendable = Void
    func run(_ event: Event<Payload>, context: FunctionContext) async throws -> Outcome
}

/// A raw function: the request as it came, a response built by hand (`registry.add(Hello.self)`).
public protocol RawFunction: NamedFunction {
    static func run(_ request: FunctionRequest, context: FunctionContext) async throws -> FunctionResponse
}

/// A raw function with dependencies the bundle passes when it registers it:
/// `registry.add(StripeWebhook(gateways: gateways))`.
public protocol DependentRawFunction: NamedFunction {
    func run(_ request: FunctionRequest, context: FunctionContext) async throws -> FunctionResponse
}

/// The name a function is registered under, which its manifest entry uses.
public protocol NamedFunction: Sendable {
    /// Defaults to the type's name in lower camel case: `AddToCart` → `addToCart`,
    /// `HTTPStatus` → `httpStatus`.
    static var name: String { get }
}

extension NamedFunction {
    public static var name: String { FunctionName.lowerCamel(String(describing: Self.self)) }
}

/// How a type's name becomes a function's name.
public enum FunctionName {
    /// `AddToCart` → `addToCart`; a leading acronym is lowered whole (`URLCheck` → `urlCheck`).
    public static func lowerCamel(_ typeName: String) -> String {
        let characters = Array(typeName)
        var upper = 0
        while upper < characters.count, characters[upper].isUppercase { upper += 1 }
        // In `URLCheck` the `C` starts the next word: keep it.
        let lowered = upper > 1 && upper < characters.count ? upper - 1 : upper
        return String(characters[..<lowered]).lowercased() + String(characters[lowered...])
    }
}
