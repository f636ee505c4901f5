#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What a raw handler returns: status, headers and body bytes.
public struct FunctionResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: Int = 200, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A `text/plain; charset=utf-8` response.
    public static func text(_ text: String, status: Int = 200) -> FunctionResponse {
        FunctionResponse(status: status, headers: textHeaders, body: Array(text.utf8))
    }

    /// An `application/json` response with `value` encoded by the host's JSON rules.
    public static func json<T: Encodable>(_ value: T, status: Int = 200) throws -> FunctionResponse {
        FunctionResponse(status: status, headers: jsonHeaders, body: try JSONCoding.encode(value))
    }

    // Built once and shared (copy-on-write): a response's headers cost no allocation until the
    // host adds its own.
    private static let textHeaders: HTTPHeaders = ["Content-Type": "text/plain; charset=utf-8"]
    private static let jsonHeaders: HTTPHeaders = ["Content-Type": "application/json"]

    /// An empty 204.
    public static var noContent: FunctionResponse { FunctionResponse(status: 204) }
}

/// A typed handler's answer when it needs a status or headers other than `200`.
public struct Reply<Body: Encodable & Sendable>: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: Body

    public init(status: Int = 200, headers: HTTPHeaders = HTTPHeaders(), body: Body) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// `201 Created`, with `Location` when given.
    public static func created(_ body: Body, location: String? = nil) -> Reply {
        var headers = HTTPHeaders()
        if let location { headers.add("Location", location) }
        return Reply(status: 201, headers: headers, body: body)
    }
}

/// The input of a typed handler that takes no body (GET, DELETE): any empty body decodes to it.
/// Encoded (as the input of an invocation) it is `{}`.
public struct NoInput: Codable, Sendable, Equatable {
    public init() {}
    public init(from decoder: Decoder) throws {}
    public func encode(to encoder: Encoder) throws { _ = encoder.container(keyedBy: NoKeys.self) }
    private enum NoKeys: CodingKey {}
}

/// The one JSON configuration every handler shares. Wire types spell their keys in snake_case
/// with `CodingKeys`; no key strategy is applied, so free-form objects round-trip unchanged.
public enum JSONCoding {
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return Array(try encoder.encode(value))
    }

    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(type, from: Data(bytes))
    }
}
