import SokoFunctions

/// `GET /hello` → `hello` as text/plain. A raw function that returns without suspending, so the
/// host answers it on the loop, with no task: no JSON, no allocation beyond the body.
enum Hello: SynchronousRawFunction {
    static func run(_ request: FunctionRequest, context: FunctionContext) throws -> FunctionResponse {
        .text("hello")
    }
}
