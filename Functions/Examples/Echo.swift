import SokoFunctions

/// `POST /echo` → the JSON value it was sent. A typed function over any JSON value, so a body
/// that is not JSON gets 400 problem+json from the host before this runs.
enum Echo: Function {
    static func run(_ input: JSONValue, context: FunctionContext) async throws -> JSONValue {
        input
    }
}
