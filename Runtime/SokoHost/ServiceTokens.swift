import SokoFunctions
import SokoManifest
import SokoOutbound
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// This process's client-credentials token, fetched once and reused until shortly before it expires.
final class ServiceTokens: Sendable {
    private struct Cached {
        var token: String
        var expires: ContinuousClock.Instant
    }

    private let directory: ServiceDirectory
    private let outbound: any OutgoingHTTP
    /// Where the token endpoint is found when no URL is configured: the identity provider's unit in Consul.
    private let consul: Consul?
    /// The manifests' identity provider (its token endpoint); nil when none is declared.
    private let identity: IdentityEndpoints?
    private let cached = Mutex<Cached?>(nil)

    init(directory: ServiceDirectory, outbound: any OutgoingHTTP, consul: Consul?, identity: IdentityEndpoints?) {
        self.directory = directory
        self.outbound = outbound
        self.consul = consul
        self.identity = identity
    }

    func forget() { cached.withLock { $0 = nil } }

    /// The token: cached, else from the identity provider — through `local` when it runs in this
    /// process, else over HTTP.
    func token(requestID: String, local: InvocationPipeline) async throws -> String {
        if let current = cached.withLock({ $0 }), current.expires > .now { return current.token }
        guard let id = directory.clientID, let secret = directory.clientSecret else { throw InvocationFailure.noCredentials }
        let form = Array("grant_type=client_credentials".utf8)
        let basic = Data("\(FormEncoding.encode(id)):\(FormEncoding.encode(secret))".utf8).base64EncodedString()
        let headers: HTTPHeaders = ["Content-Type": "application/x-www-form-urlencoded", "Authorization": "Basic \(basic)"]
        let response: FunctionResponse
        if let identity,
            let answer = try await local.callInProcess(
                service: identity.service, function: identity.token.function, method: identity.token.method,
                path: identity.token.path, headers: headers, body: form)
        {
            response = answer
        } else if let url = await tokenURL() {
            let answer = try await outbound.send(
                OutgoingRequest(method: "POST", url: url, headers: headers, body: form, idempotent: false),
                deadline: .now + .seconds(5))
            response = FunctionResponse(status: answer.status, body: answer.body)
        } else {
            throw InvocationFailure.noCredentials
        }
        struct Grant: Decodable {
            var accessToken: String
            var expiresIn: Int

            enum CodingKeys: String, CodingKey {
                case accessToken = "access_token"
                case expiresIn = "expires_in"
            }
        }
        guard response.status == 200, let grant = try? JSONCoding.decode(Grant.self, from: response.body) else {
            throw InvocationFailure.tokenRefused(
                response.status,
                directory.tokenURL(identity: identity) ?? identity.map { "\($0.service).\($0.token.function)" }
                    ?? "the token endpoint")
        }
        let expires = ContinuousClock.now + .seconds(max(0, grant.expiresIn - 30))
        cached.withLock { $0 = Cached(token: grant.accessToken, expires: expires) }
        return grant.accessToken
    }

    /// `SOKO_TOKEN_URL` (or the identity provider's URL's), else a passing instance from Consul.
    private func tokenURL() async -> String? {
        if let url = directory.tokenURL(identity: identity) { return url }
        guard let identity else { return nil }
        return await consul?.resolve(identity.token.unit).map { $0 + identity.token.path }
    }
}
