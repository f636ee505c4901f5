import Crypto
import SokoFunctions
import SokoSecurity

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The OAuth clients the operator configured in `SOKO_OAUTH_CLIENTS` (JSON) — the secrets
/// themselves are never stored, only their SHA-256:
/// `[{"client_id": "platform", "secret_sha256": "<hex>", "internal": true},
///   {"client_id": "erp", "secret_sha256": "<hex>", "scope": "orders:read"}]`.
///
/// Only a client flagged `internal` is the platform's own identity: its `client_credentials`
/// token carries the `service` role (internal routes, event delivery). Any other confidential
/// client is a third-party application whose token carries no role, only its configured scopes.
/// Browser and mobile apps are public clients with `redirect_uris` and no secret.
struct OAuthClients: Sendable {
    struct Client: Decodable, Sendable {
        var clientID: String
        /// Absent for public clients (browser and mobile apps), which use PKCE instead.
        var secretSHA256: String?
        var scope: String?
        /// Where the authorization-code flow may send the browser back (exact match).
        var redirectURIs: [String]?
        /// The platform's own services (`"internal": true`); absent means a third-party client.
        var `internal`: Bool?

        enum CodingKeys: String, CodingKey {
            case clientID = "client_id"
            case secretSHA256 = "secret_sha256"
            case scope
            case redirectURIs = "redirect_uris"
            case `internal`
        }

        /// A client with a secret, which must authenticate at the token endpoint.
        var isConfidential: Bool { secretSHA256 != nil }
        var isInternal: Bool { `internal` == true && isConfidential }
    }

    let clients: [String: Client]

    /// The clients as `soko check-config` shows them: ids and kinds, never the hashes.
    var summary: String {
        guard !clients.isEmpty else { return "(none)" }
        return clients.values.sorted { $0.clientID < $1.clientID }.map { client in
            let kind = client.isInternal ? "internal" : client.secretSHA256 == nil ? "public" : "confidential"
            return "\(client.clientID) (\(kind)\(client.scope.map { ", scope \($0)" } ?? ""))"
        }.joined(separator: ", ")
    }
    /// Why `SOKO_OAUTH_CLIENTS` cannot be used (the bundle refuses to start), or nil.
    let problem: String?

    init(environment: [String: String]) {
        let json = environment["SOKO_OAUTH_CLIENTS"].flatMap { $0.isEmpty ? nil : $0 } ?? "[]"
        do {
            let list = try JSONDecoder().decode([Client].self, from: Data(json.utf8))
            clients = Dictionary(list.map { ($0.clientID, $0) }, uniquingKeysWith: { first, _ in first })
            let badHash = list.first { client in client.secretSHA256.map { Self.bytes(hex: $0) == nil } ?? false }
            problem = badHash.map { "SOKO_OAUTH_CLIENTS: the secret_sha256 of \($0.clientID) is not 64 hex digits" }
        } catch {
            clients = [:]
            problem =
                "SOKO_OAUTH_CLIENTS is not a JSON list of {client_id, secret_sha256 | redirect_uris, scope, internal} objects"
        }
    }

    /// The client when `secret` is its secret (compared in constant time), else nil.
    func authenticate(clientID: String, secret: String) -> Client? {
        guard let client = clients[clientID], let expected = client.secretSHA256.flatMap(Self.bytes(hex:)) else { return nil }
        let presented = Array(SHA256.hash(data: Array(secret.utf8)))
        return ConstantTime.equal(presented, expected) ? client : nil
    }

    private static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.lowercased().utf8)
        guard digits.count == 64 else { return nil }
        var out: [UInt8] = []
        for i in stride(from: 0, to: 64, by: 2) {
            guard let high = nibble(digits[i]), let low = nibble(digits[i + 1]) else { return nil }
            out.append(high << 4 | low)
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
