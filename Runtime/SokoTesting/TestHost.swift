import Foundation
import SokoFunctions
import SokoHTTP
import SokoHost
import SokoManifest

/// Invokes handlers in-process through the real router and middleware, without sockets.
///
/// ```swift
/// let host = try await TestHost(bundles: [ExamplesBundle.self], manifests: ["examples.yaml": yaml])
/// let response = try await host.request("POST", "/echo", json: ["a": 1])
/// #expect(response.status == 200)
/// await host.shutdown()
/// ```
public final class TestHost: Sendable {
    public let host: FunctionHost
    private let invoker: InProcessInvoker

    /// Builds a host from manifest texts (file name → YAML) and bundles.
    public convenience init(
        bundles: [any FunctionBundle.Type], manifests: [String: String],
        configuration: HostConfiguration = TestHost.defaultConfiguration()
    ) async throws {
        let parsed = try manifests.sorted { $0.key < $1.key }.map { try ManifestParser.parse(yaml: $0.value, file: $0.key) }
        try await self.init(bundles: bundles, parsed: parsed, configuration: configuration)
    }

    /// Builds a host from a manifests folder (for example the repository's `manifests/functions`).
    public convenience init(
        bundles: [any FunctionBundle.Type], manifestsDirectory: String,
        configuration: HostConfiguration = TestHost.defaultConfiguration()
    ) async throws {
        try await self.init(
            bundles: bundles, parsed: try ManifestLoader.load(directory: manifestsDirectory),
            configuration: configuration)
    }

    private init(bundles: [any FunctionBundle.Type], parsed: [ServiceManifest], configuration: HostConfiguration) async throws {
        host = try FunctionHost(manifests: parsed, bundles: bundles, configuration: configuration)
        invoker = try await InProcessInvoker.start(host)
    }

    /// No access log, and stores (SQLite) and mail (`.eml` files) in a fresh temporary folder, so
    /// tests never share data.
    public static func defaultConfiguration() -> HostConfiguration {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("soko-test-\(UUID().uuidString)").path
        var configuration = HostConfiguration(accessLog: .discard, store: StoreConfiguration(backend: .sqlite(directory: folder)))
        configuration.environment = ["SOKO_MAIL_DIR": folder + "/mail"]  // mail as .eml files beside the stores
        return configuration
    }

    /// Sends one request through routing and middleware and returns the response. `remoteAddress`
    /// is the peer's address as the transport would give it (the client address of anonymous callers).
    public func request(
        _ method: String, _ target: String, headers: HTTPHeaders = HTTPHeaders(),
        body: [UInt8] = [], remoteAddress: String = ""
    ) async -> TestResponse {
        let head = HTTPRequestHead(
            method: method, target: target, headers: headers,
            contentLength: body.isEmpty ? nil : body.count, remoteAddress: remoteAddress)
        let response = await invoker.invoke(HTTPRequest(head: head, body: body))
        return TestResponse(status: response.status, headers: response.headers, body: response.body)
    }

    /// Sends `value` encoded as JSON with `Content-Type: application/json`.
    public func request<Body: Encodable>(
        _ method: String, _ target: String, headers: HTTPHeaders = HTTPHeaders(),
        json value: Body
    ) async throws -> TestResponse {
        var headers = headers
        headers.set("Content-Type", "application/json")
        return await request(method, target, headers: headers, body: try JSONCoding.encode(value))
    }

    /// Stops the host's loop. Returns whether it closed with no handle left open.
    @discardableResult
    public func shutdown() async -> Bool {
        await invoker.shutdown()
    }
}

/// A response as a test sees it.
public struct TestResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public var text: String { String(decoding: body, as: UTF8.self) }

    /// Decodes the body as JSON.
    public func json<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        try JSONCoding.decode(type, from: body)
    }

    /// The body as a problem document (for error responses).
    public var problem: ProblemDocument? { try? json(ProblemDocument.self) }
}

/// The fields of an RFC 9457 problem document, for assertions.
public struct ProblemDocument: Decodable, Sendable, Equatable {
    public var type: String
    public var title: String
    public var status: Int
    public var detail: String
    public var code: String?
    public var errors: [FieldError]?
    public var requestID: String?

    enum CodingKeys: String, CodingKey {
        case type, title, status, detail, code, errors
        case requestID = "request_id"
    }
}
