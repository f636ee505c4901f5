import SokoFunctions
import SokoManifest

/// What a production host (`SOKO_ENV=production`) refuses to start without: the settings every
/// process uses, and no service a manifest keeps to development. Each refusal is one line naming
/// the variable (or the manifest) and why; bundles check their own settings the same way.
enum ProductionChecks {
    /// The variables every production process needs, as https URLs reachable from outside.
    static let requiredURLs = [
        ("SOKO_PUBLIC_URL", "the shop's public https address (callbacks, links in emails)"),
        ("SOKO_TOKEN_ISSUER", "the https issuer of the shop's access tokens"),
    ]

    static func host(_ configuration: HostConfiguration) throws {
        guard configuration.mode == .production else { return }
        for (name, meaning) in requiredURLs {
            guard let value = configuration.environment[name], !value.isEmpty else {
                throw HostSetupError("\(name): is required in production (\(meaning))")
            }
            if let problem = ProductionURL.problem(value) { throw HostSetupError("\(name): \(problem)") }
        }
        // The per-customer limits are what keep strangers from hoarding stock and prompting phones.
        if configuration.environment["SOKO_RATE_LIMITS"] == "off" {
            throw HostSetupError("SOKO_RATE_LIMITS: \"off\" is for load tests; production keeps the manifests' rate limits")
        }
    }

    /// A production process that serves part of the shop calls the rest over HTTP (invocations,
    /// event delivery) with the platform's own client: without it every such call would fail at
    /// run time. One process serving everything calls nothing remotely.
    static func serviceClient(selected: Int, servable: [ServiceManifest], configuration: HostConfiguration) throws {
        guard configuration.mode == .production, selected < servable.reduce(0, { $0 + $1.functions.count }) else { return }
        for name in ["SOKO_SERVICE_CLIENT_ID", "SOKO_SERVICE_CLIENT_SECRET"] where (configuration.environment[name] ?? "").isEmpty
        {
            throw HostSetupError(
                "\(name): is required in production by a process that serves part of the shop (it calls the rest with the platform's internal client)"
            )
        }
    }

    /// The manifests whose services run in this mode. A selection that names a service kept to
    /// another environment (`soko serve --service sandbox` in production) is refused, not ignored.
    static func servable(_ manifests: [ServiceManifest], configuration: HostConfiguration) throws -> [ServiceManifest] {
        let mode = configuration.mode.rawValue
        let kept = manifests.filter { !$0.isServed(in: mode) }
        for manifest in kept {
            let named =
                configuration.service == manifest.service
                || manifest.units.contains { $0.name == configuration.unit }
                || configuration.function.map { name in
                    manifest.functions.contains { name == $0.name || name == "\(manifest.service).\($0.name)" }
                } ?? false
            if named {
                throw HostSetupError(
                    "the \(manifest.service) service is not served with \(RunMode.variable)=\(mode) "
                        + "(\(manifest.file) says environments: [\(manifest.environments.joined(separator: ", "))])")
            }
        }
        return manifests.filter { $0.isServed(in: mode) }
    }
}
