import SokoFunctions

/// `GET /hello` → `hello` as text/plain. A raw function: no JSON, no allocation beyond the body.
enum Hello: RawFunction {
    static func run(_ request: FunctionRequest, context: FunctionContext) async throws -> FunctionResponse {
        .text("hello")
    }
}
