import SokoFunctions

/// `POST /echo` → the JSON value it was sent. A typed function over any JSON value, so a body
/// that is not JSON gets 400 problem+json from the host before this runs. It returns without
/// suspending, so the host answers it on the loop, with no task.
enum Echo: SynchronousFunction {
    static func run(_ input: JSONValue, context: FunctionContext) throws -> JSONValue {
        input
    }
}
