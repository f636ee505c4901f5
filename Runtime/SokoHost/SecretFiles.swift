#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Secrets given as files: for each variable a manifest lists under `secrets:`, `<NAME>_FILE`
/// names a file whose content (without the trailing newline) becomes `<NAME>` — how Kubernetes
/// Secrets and Docker secrets arrive. A value set directly wins; an unreadable file stops the host
/// at start, naming the variable.
enum SecretFiles {
    /// The host's own secrets, which may come as files whatever the manifests say.
    static let hostSecrets = ["SOKO_DATABASE_URL", "SOKO_SERVICE_CLIENT_SECRET", "SOKO_SMTP_PASSWORD"]

    static func resolve(_ environment: [String: String], names: [String]) throws -> [String: String] {
        var resolved = environment
        for name in Set(names).sorted() {
            guard resolved[name]?.isEmpty ?? true, let path = environment[name + "_FILE"], !path.isEmpty else { continue }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw HostSetupError("\(name)_FILE=\(path) cannot be read")
            }
            var text = String(decoding: data, as: UTF8.self)
            while text.last == "\n" || text.last == "\r" { text.removeLast() }
            resolved[name] = text
        }
        return resolved
    }
}
