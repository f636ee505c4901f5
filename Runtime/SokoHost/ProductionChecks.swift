import SokoFunctions
import SokoManifest

/// What a production host (`SOKO_ENV=production`) refuses to start without: the settings every
/// process uses, and no service a manifest keeps to development. Each refusal is one line naming
/// the variable (or the manifest) and why; bundles check their own settings the same way.
enum ProductionChecks {
    static func host(_ configuration: HostConfiguration, settings: HostSettings) throws {
        guard configuration.mode == .production else { return }
        // The variables every production process needs, as https URLs reachable from outside.
        let requiredURLs = [
            ("SOKO_PUBLIC_URL", settings.publicURL, "the shop's public https address (callbacks, links in emails)"),
            (
                "SOKO_TOKEN_ISSUER", settings.tokenIssuerIsDefault ? nil : settings.tokenIssuer,
                "the https issuer of the shop's access tokens"
            ),
        ]
        for (name, value, meaning) in requiredURLs {
            guard let value else { throw HostSetupError("\(name): is required in production (\(meaning))") }
            if let problem = ProductionURL.problem(value) { throw HostSetupError("\(name): \(problem)") }
        }
        // The per-customer limits are what keep strangers from hoarding stock and prompting phones.
        if !settings.rateLimits {
            throw HostSetupError("SOKO_RATE_LIMITS: \"off\" is for load tests; production keeps the manifests' rate limits")
        }
    }

    /// A production process that serves part of the shop calls the rest over HTTP (invocations,
    /// event delivery) with the platform's own client: without it every such call would fail at
    /// run time. One process serving everything calls nothing remotely.
    static func serviceClient(
        selected: Int, servable: [ServiceManifest], configuration: HostConfiguration, settings: HostSettings
    ) throws {
        guard configuration.mode == .production, selected < servable.reduce(0, { $0 + $1.functions.count }) else { return }
        let client = [
            ("SOKO_SERVICE_CLIENT_ID", settings.services.clientID),
            ("SOKO_SERVICE_CLIENT_SECRET", settings.services.clientSecret),
        ]
        for (name, value) in client where value == nil {
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
