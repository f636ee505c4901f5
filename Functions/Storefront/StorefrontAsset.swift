import SokoFunctions

/// `GET /assets/{name}`: the storefront's CSS and JavaScript under content-hashed names, with
/// `Cache-Control: public, max-age=31536000, immutable` (a new file is a new name). Answered on
/// the loop: no await, nothing but a dictionary lookup.
enum StorefrontAsset: SynchronousRawFunction {
    static func run(_ request: FunctionRequest, context: FunctionContext) throws -> FunctionResponse {
        StorefrontAssets.catalog.response(for: context.pathParameter("name") ?? "")
    }
}
