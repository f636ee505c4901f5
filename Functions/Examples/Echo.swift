import SokoFunctions

/// `POST /echo` → the JSON value it was sent. A typed handler over any JSON value, so a body
/// that is not JSON gets 400 problem+json from the host before this runs.
@Sendable
func echo(_ input: JSONValue, context: FunctionContext) async throws -> JSONValue {
    input
}
