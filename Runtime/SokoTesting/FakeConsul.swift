import Foundation
import SokoFunctions
import Synchronization

/// A fake Consul agent speaking the documented request shapes of the agent's HTTP API: service
/// register (`PUT /v1/agent/service/register?replace-existing-checks=true`, PascalCase body with
/// `ID` and `Name`), deregister, and the health API (`GET /v1/health/service/<name>?passing=true`)
/// answering with what was registered and not deregistered. Serve it with ``manifest`` to test
/// registration and discovery without Consul.
///
/// With `FAKE_CONSUL_ACL` (`token=name|name;token2=name`) it enforces ACLs as a default-deny agent
/// would: a registration needs an `X-Consul-Token` allowed to write that service name, a health
/// query any known token; others get 403 "Permission denied" and are counted in ``log``.
public enum FakeConsulBundle: FunctionBundle {
    public static let service = "fakeconsul"

    /// What every fake agent of this process was told: registration bodies, deregistered IDs, and
    /// the names of registrations refused for their token.
    public static let log = Mutex<(registrations: [[UInt8]], deregistrations: [String], refused: [String])>(([], [], []))

    /// `FAKE_CONSUL_ACL` parsed: token → service names it may register.
    static func acl(_ environment: [String: String]) -> [String: Set<String>]? {
        guard let text = environment["FAKE_CONSUL_ACL"] else { return nil }
        var tokens: [String: Set<String>] = [:]
        for entry in text.split(separator: ";") {
            let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            if parts.count == 2 { tokens[parts[0]] = Set(parts[1].split(separator: "|").map(String.init)) }
        }
        return tokens
    }

    static let denied = FunctionResponse(status: 403, body: Array("Permission denied".utf8))

    /// A recorded registration body, parsed.
    public static func parsed(_ bytes: [UInt8]) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] ?? [:]
    }

    public static func register(_ registry: inout FunctionRegistry) {
        let acl = Self.acl(registry.environment)
        registry.raw("register") { request, _ in
            guard request.query["replace-existing-checks"] == "true",
                let body = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any],
                let name = body["Name"] as? String, body["ID"] is String
            else { return FunctionResponse(status: 400) }
            if let acl, acl[request.headers["X-Consul-Token"] ?? ""]?.contains(name) != true {
                Self.log.withLock { $0.refused.append(name) }
                return Self.denied
            }
            let bytes = request.body
            Self.log.withLock { $0.registrations.append(bytes) }
            return FunctionResponse(status: 200)
        }
        registry.raw("deregister") { _, context in
            let id = context.pathParameter("id") ?? ""
            Self.log.withLock { $0.deregistrations.append(id) }
            return FunctionResponse(status: 200)
        }
        registry.raw("health") { request, context in
            guard request.query["passing"] == "true" else { return FunctionResponse(status: 400) }
            if let acl, acl[request.headers["X-Consul-Token"] ?? ""] == nil { return Self.denied }
            let name = context.pathParameter("name") ?? ""
            let seen = Self.log.withLock { $0 }
            var entries: [[String: Any]] = []
            var listed: Set<String> = []
            // Latest registration first; a registration repeated for the same ID is one instance.
            for registration in seen.registrations.reversed().map(parsed) {
                let id = registration["ID"] as? String ?? ""
                guard registration["Name"] as? String == name, !seen.deregistrations.contains(id),
                    listed.insert(id).inserted
                else { continue }
                let service: [String: Any] = [
                    "ID": registration["ID"] ?? "", "Service": name, "Address": registration["Address"] ?? "",
                    "Port": registration["Port"] ?? 0,
                ]
                entries.append(["Node": ["Address": "10.9.9.9"], "Service": service, "Checks": [Any]()])
            }
            return FunctionResponse(
                status: 200, headers: ["Content-Type": "application/json"],
                body: Array(try JSONSerialization.data(withJSONObject: entries)))
        }
    }

    public static let manifest = """
        service: fakeconsul
        functions:
          register:
            http: PUT /v1/agent/service/register
            auth: public
          deregister:
            http: "PUT /v1/agent/service/deregister/{id}"
            auth: public
          health:
            http: "GET /v1/health/service/{name}"
            auth: public
        """
}
