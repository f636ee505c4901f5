/// Where a function runs in production: in its service's pods, or in pods of its own.
///
/// The manifest chooses: a top-level `deploy:` sets the default for the whole service (default
/// `service`), a function's own `deploy:` overrides it. A function deployed on its own gets its
/// own Deployment, Service and autoscaler (scaled on its own request rate and `scale`), its own
/// gateway upstream and its own compose container; the service's pods serve the rest.
public enum Deployment: String, Sendable, Equatable, CaseIterable {
    /// With the service's other functions, in the service's pods.
    case service
    /// In pods of its own.
    case function
}

/// One set of identical processes (a Kubernetes Deployment, a compose service, a Consul service
/// name): a service's functions deployed together, or one function deployed on its own.
public struct DeploymentUnit: Sendable, Equatable {
    /// `cart` for a service's unit, `payments-mpesa-callback` for a function on its own: a DNS
    /// label, used as the Kubernetes, compose and Consul name.
    public var name: String
    public var service: String
    /// The function deployed on its own; `nil` for the service's unit.
    public var function: String?
    /// The functions it serves, in manifest order.
    public var functions: [FunctionManifest]

    /// The unit name of `function` of `service` when deployed on its own: the service, `-`, and the
    /// function name in lower case with a `-` where a lower-case letter or digit meets a capital,
    /// and for `_` (`mpesaCallback` → `payments-mpesa-callback`).
    public static func name(service: String, function: String) -> String {
        var out = service + "-"
        var previous: Character?
        for character in function {
            if ManifestCharacters.isUpper(character), let previous,
                ManifestCharacters.isLower(previous) || ManifestCharacters.isDigit(previous)
            {
                out.append("-")
            }
            out += character == "_" ? "-" : character.lowercased()
            previous = character
        }
        return out
    }

    /// The arguments of `soko serve` that make a process this unit.
    public var serveArguments: [String] { ["serve", "--unit", name] }
}

extension ServiceManifest {
    /// How `function` is deployed: its own `deploy:`, else the manifest's.
    public func deployment(of function: FunctionManifest) -> Deployment {
        function.deploy ?? deploy
    }

    /// The unit that serves `function` (a function of this manifest).
    public func unitName(of function: FunctionManifest) -> String {
        deployment(of: function) == .function ? DeploymentUnit.name(service: service, function: function.name) : service
    }

    /// The service's units: its own (the functions deployed with it, when there are any), then one
    /// per function deployed on its own, in manifest order.
    public var units: [DeploymentUnit] {
        let together = functions.filter { deployment(of: $0) == .service }
        var units: [DeploymentUnit] = []
        if !together.isEmpty {
            units.append(DeploymentUnit(name: service, service: service, function: nil, functions: together))
        }
        for function in functions where deployment(of: function) == .function {
            units.append(
                DeploymentUnit(
                    name: DeploymentUnit.name(service: service, function: function.name), service: service,
                    function: function.name, functions: [function]))
        }
        return units
    }
}
