/// Checks a set of manifests against each other and against the handlers compiled into the binary.
///
/// The host runs it at start and refuses to start on the first error, so that a typo in a handler
/// name or two functions claiming one route is found before traffic arrives.
public enum ManifestValidator {
    /// Validates `manifests` as one deployment.
    /// - Parameters:
    ///   - manifests: the manifests, typically from ``ManifestLoader/load(directory:)``.
    ///   - handlers: for each bundle (service) compiled in, the names of its registered handlers.
    /// - Throws: ``ManifestError`` for the first of: a service declared twice (key `service`); a
    ///   service with no bundle (key `service`); a function with no handler (key
    ///   `functions.NAME`); a route with the same method and shape as an earlier one, in this or
    ///   another manifest (key `functions.NAME.http`, naming the earlier function and file); a
    ///   function deployed on its own whose unit name is no DNS label or is taken by another unit
    ///   (key `functions.NAME.deploy`); a setting two services provide in one environment (key
    ///   `ENVIRONMENT.provides.NAME`).
    ///   - unregistered: services whose bundle is compiled in but not registered by this process
    ///     (a host registers only the bundles it serves): their manifests get every check but the
    ///     handler names, which `soko routes --check` compares with every bundle registered.
    public static func validate(
        _ manifests: [ServiceManifest], handlers: [String: Set<String>], unregistered: Set<String> = []
    ) throws(ManifestError) {
        var fileByService: [String: String] = [:]
        var claims = RouteClaims()
        var units: [String: String] = Dictionary(
            manifests.map { ($0.service, "service \($0.service) (\($0.file))") }, uniquingKeysWith: { first, _ in first })
        for manifest in manifests {
            for function in manifest.functions where manifest.deployment(of: function) == .function {
                try checkUnit(of: function, in: manifest, units: &units)
            }
        }
        for manifest in manifests {
            if let first = fileByService[manifest.service] {
                throw ManifestError(
                    file: manifest.file, key: "service",
                    message: "service \"\(manifest.service)\" is already declared by \(first)")
            }
            fileByService[manifest.service] = manifest.file
            if !unregistered.contains(manifest.service) {
                try checkHandlers(of: manifest, handlers: handlers, unregistered: unregistered)
            }
            for (function, route) in manifest.httpRoutes {
                try claims.claim(route, by: function.name, in: manifest.file)
            }
        }
        try checkIdentity(manifests)
        try checkProvidedSettings(manifests)
    }

    /// Each setting is provided by one service per environment: two would overwrite each other.
    private static func checkProvidedSettings(_ manifests: [ServiceManifest]) throws(ManifestError) {
        for environment in ServiceManifest.allEnvironments {
            var providers: [String: String] = [:]
            for manifest in manifests {
                for setting in manifest.provides(in: environment) {
                    if let first = providers[setting.name] {
                        throw ManifestError(
                            file: manifest.file, key: "\(environment).provides.\(setting.name)",
                            message: "\(first) already provides it in \(environment)")
                    }
                    providers[setting.name] = manifest.file
                }
            }
        }
    }

    /// One identity provider at most, naming HTTP functions of its own manifest.
    private static func checkIdentity(_ manifests: [ServiceManifest]) throws(ManifestError) {
        var declared: ServiceManifest?
        for manifest in manifests {
            guard let identity = manifest.identity else { continue }
            if let first = declared {
                throw ManifestError(
                    file: manifest.file, key: "identity",
                    message: "\(first.file) already declares the identity provider (one service issues the tokens)")
            }
            declared = manifest
            for (role, name) in [("token", identity.tokenFunction), ("jwks", identity.jwksFunction)] {
                guard let function = manifest.functions.first(where: { $0.name == name }) else {
                    throw ManifestError(
                        file: manifest.file, key: "identity.\(role)", message: "no function named \"\(name)\" here")
                }
                guard case .http = function.trigger else {
                    throw ManifestError(
                        file: manifest.file, key: "identity.\(role)", message: "\"\(name)\" has no http route to serve it")
                }
            }
        }
    }

    /// A function on its own is named `<service>-<function>` in Kubernetes, compose and Consul.
    private static func checkUnit(
        of function: FunctionManifest, in manifest: ServiceManifest, units: inout [String: String]
    ) throws(ManifestError) {
        let name = DeploymentUnit.name(service: manifest.service, function: function.name)
        let key = "functions.\(function.name).deploy"
        guard name.count <= 63, name.last != "-" else {
            throw ManifestError(
                file: manifest.file, key: key,
                message:
                    "deployed on its own it would be named \"\(name)\", which is no DNS label (at most 63 characters, not ending with -); shorten the function name"
            )
        }
        if let holder = units[name] {
            throw ManifestError(
                file: manifest.file, key: key,
                message: "deployed on its own it would be named \"\(name)\", which is already the name of \(holder)")
        }
        units[name] = "\(manifest.service).\(function.name) (\(manifest.file))"
    }

    private static func checkHandlers(
        of manifest: ServiceManifest, handlers: [String: Set<String>], unregistered: Set<String>
    ) throws(ManifestError) {
        guard let registered = handlers[manifest.service] else {
            let known = Set(handlers.keys).union(unregistered).sorted().joined(separator: ", ")
            throw ManifestError(
                file: manifest.file, key: "service",
                message:
                    "no bundle named \"\(manifest.service)\" is compiled into this binary (known: \(known.isEmpty ? "none" : known))"
            )
        }
        for function in manifest.functions where !registered.contains(function.name) {
            let names = registered.sorted().joined(separator: ", ")
            throw ManifestError(
                file: manifest.file, key: "functions.\(function.name)",
                message:
                    "no handler named \"\(function.name)\" is registered by the \"\(manifest.service)\" bundle (registered: \(names.isEmpty ? "none" : names))"
            )
        }
    }
}
