import Crypto
import SokoFunctions

/// Static files (CSS, JavaScript, icons) served by the host under content-hashed names, so they
/// can be cached for a year: a change makes a new name.
///
/// ```swift
/// let assets = AssetCatalog(prefix: "/assets/", [Asset(name: "shop.css", contentType: "text/css", text: css)])
/// assets.url("shop.css")   // "/assets/shop.3f2a9c1d07.css"
/// ```
public struct AssetCatalog: Sendable {
    public let prefix: String
    private let byHashedName: [String: Asset]
    private let hashedNames: [String: String]

    public init(prefix: String, _ assets: [Asset]) {
        self.prefix = prefix
        var byHashedName: [String: Asset] = [:]
        var hashedNames: [String: String] = [:]
        for asset in assets {
            let digest = Hex.encode(SHA256.hash(data: asset.body)).prefix(10)
            let hashed: String
            if let dot = asset.name.lastIndex(of: ".") {
                hashed = "\(asset.name[..<dot]).\(digest)\(asset.name[dot...])"
            } else {
                hashed = "\(asset.name).\(digest)"
            }
            byHashedName[hashed] = asset
            hashedNames[asset.name] = hashed
        }
        self.byHashedName = byHashedName
        self.hashedNames = hashedNames
    }

    /// The URL path of the asset called `name` (its hashed name under ``prefix``).
    public func url(_ name: String) -> String {
        guard let hashed = hashedNames[name] else { preconditionFailure("no asset named \(name)") }
        return prefix + hashed
    }

    /// The answer for a request of `hashedName`: the file with `immutable` caching, or 404.
    public func response(for hashedName: String) -> FunctionResponse {
        guard let asset = byHashedName[hashedName] else {
            return FunctionResponse(
                status: 404, headers: ["Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff"],
                body: Array("no such asset\n".utf8))
        }
        return FunctionResponse(
            status: 200,
            headers: [
                "Content-Type": asset.contentType, "Cache-Control": "public, max-age=31536000, immutable",
                "X-Content-Type-Options": "nosniff",
            ],
            body: asset.body)
    }
}

/// One static file, embedded in the binary (no files to ship beside it).
public struct Asset: Sendable {
    public var name: String
    public var contentType: String
    public var body: [UInt8]

    public init(name: String, contentType: String, text: String) {
        self.name = name
        self.contentType = contentType
        self.body = Array(text.utf8)
    }
}
