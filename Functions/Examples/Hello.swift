import SokoFunctions

/// `GET /hello` → `hello` as text/plain. A raw handler: no JSON, no allocation beyond the body.
@Sendable
func hello(_ request: FunctionRequest, context: FunctionContext) async throws -> FunctionResponse {
    .text("hello")
}
