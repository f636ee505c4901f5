/// Reads one entry of a manifest's `functions:` mapping into a ``FunctionManifest``.
enum FunctionEntryParser {
    /// The keys a function entry may have, in the order error messages list them.
    static let keys = [
        "http", "event", "schedule", "auth", "scopes", "timeout", "concurrency", "bodyLimit", "scale", "retries", "deploy",
        "rateLimit", "log", "gateway",
    ]
    static let triggerKeys = ["http", "event", "schedule"]

    static func parse(name: String, node: ManifestNode) throws(ManifestError) -> FunctionManifest {
        guard ManifestCharacters.isIdentifier(name, leadingUnderscore: false) else {
            throw node.error(
                "\"\(name)\" is not a function name (letters, digits and _, starting with a letter, e.g. addItem)")
        }
        let entries = try node.entries(
            allowed: keys, expecting: "the function's settings (http, event or schedule, auth, timeout, …)")
        let triggers = entries.filter { triggerKeys.contains($0.name) }
        guard triggers.count == 1 else {
            let found = triggers.isEmpty ? "none" : triggers.map(\.name).joined(separator: " and ")
            throw node.error("needs exactly one trigger (http, event or schedule), found \(found)")
        }
        var function = FunctionManifest(
            name: name, trigger: try TriggerEntryParser.parse(triggers[0].value, kind: triggers[0].name))
        var authNode: ManifestNode?
        var scopesNode: ManifestNode?
        for (key, value) in entries {
            switch key {
            case "auth":
                function.auth = try auth(value)
                authNode = value
            case "scopes":
                function.scopes = try scopes(value)
                scopesNode = value
            case "timeout": function.timeout = try timeout(value)
            case "concurrency": function.concurrency = try value.integer(atLeast: 1, counting: "in-flight requests")
            case "bodyLimit": function.bodyLimit = try bodyLimit(value)
            case "scale": function.scale = try ScaleEntryParser.parse(value)
            case "retries": function.retries = try value.integer(atLeast: 0, counting: "delivery retries")
            case "deploy": function.deploy = try deployment(value)
            case "rateLimit": function.rateLimit = try RateLimitEntryParser.parse(value, trigger: function.trigger)
            case "log": function.redactedPathParameters = try LogEntryParser.parse(value, trigger: function.trigger)
            case "gateway": function.gateway = try GatewayEntryParser.parse(value, trigger: function.trigger)
            default: break  // the trigger, read above
            }
        }
        try checkScopes(function, auth: authNode ?? node, scopes: scopesNode)
        return function
    }

    /// `scopes: [orders:read, …]` — RFC 6749 scope tokens (printable ASCII, no space, `"` or `\`).
    private static func scopes(_ node: ManifestNode) throws(ManifestError) -> [String] {
        let scopes = try node.scalarOrList(expecting: "the scopes a token must carry (a list such as [items:read])")
        for scope in scopes where scope.isEmpty || !scope.unicodeScalars.allSatisfy(isScopeCharacter) {
            throw node.error("\"\(scope)\" is not a scope (printable ASCII without spaces, quotes or backslashes)")
        }
        return scopes
    }

    private static func isScopeCharacter(_ c: Unicode.Scalar) -> Bool {
        c.value == 0x21 || (0x23...0x5B).contains(c.value) || (0x5D...0x7E).contains(c.value)
    }

    /// Scopes narrow what an application's token may call: they mean nothing where no token is
    /// checked (public, webhook) or only the platform's own identity is accepted (service, events),
    /// and `auth: client` without them would let any application in.
    private static func checkScopes(
        _ function: FunctionManifest, auth: ManifestNode, scopes: ManifestNode?
    ) throws(ManifestError) {
        if function.auth == .client && function.scopes.isEmpty {
            throw auth.error("auth: client needs scopes: (the scopes an application's token must carry)")
        }
        guard let scopes else { return }
        if case .event = function.trigger {
            throw scopes.error("an event consumer takes only the platform's service token; scopes do not apply")
        }
        switch function.auth {
        case .public, .webhook, .service:
            throw scopes.error(
                "scopes do not apply to auth: \(function.auth.rawValue) (they apply to customer, guest, admin and client)")
        case .customer, .guest, .admin, .client:
            break
        }
    }

    private static func auth(_ node: ManifestNode) throws(ManifestError) -> AuthPolicy {
        let choices = AuthPolicy.allCases.map(\.rawValue).joined(separator: ", ")
        let text = try node.scalar(expecting: "an auth policy (one of: \(choices))")
        guard let policy = AuthPolicy(rawValue: text) else {
            throw node.error("\"\(text)\" is not an auth policy (expected one of: \(choices))")
        }
        return policy
    }

    /// `deploy: service|function` (a function's entry or the manifest's top level).
    static func deployment(_ node: ManifestNode) throws(ManifestError) -> Deployment {
        let choices = Deployment.allCases.map(\.rawValue).joined(separator: " or ")
        let text = try node.scalar(expecting: "where the function runs (\(choices))")
        guard let deployment = Deployment(rawValue: text) else {
            throw node.error(
                "\"\(text)\" is not a deployment (expected service: in the service's pods, or function: in pods of its own)")
        }
        return deployment
    }

    private static func timeout(_ node: ManifestNode) throws(ManifestError) -> Duration {
        let text = try node.scalar(expecting: "a duration (\(DurationParser.expectedForm))")
        guard let duration = DurationParser.parse(text) else {
            throw node.error("\"\(text)\" is not a duration (\(DurationParser.expectedForm))")
        }
        guard duration > .zero else { throw node.error("must be greater than zero, found \"\(text)\"") }
        return duration
    }

    private static func bodyLimit(_ node: ManifestNode) throws(ManifestError) -> Int {
        let text = try node.scalar(expecting: "a size (\(ByteSizeParser.expectedForm))")
        guard let bytes = ByteSizeParser.parse(text) else {
            throw node.error("\"\(text)\" is not a size (\(ByteSizeParser.expectedForm))")
        }
        guard bytes > 0 else { throw node.error("must be greater than zero, found \"\(text)\"") }
        guard bytes <= ManifestDefaults.bodyLimitCeiling else {
            throw node.error("\"\(text)\" is larger than the ceiling of 1GiB")
        }
        return bytes
    }
}
