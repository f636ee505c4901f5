/// Turns the text of one `manifests/functions/<service>.yaml` file into a ``ServiceManifest``.
///
/// The format is checked strictly: unknown keys, malformed values and functions without exactly
/// one trigger are refused with a ``ManifestError`` naming the file and the dotted key, so that
/// the host refuses to start rather than run with a setting silently ignored. Keys a function
/// leaves out take ``ManifestDefaults`` and ``ScalePolicy/init(min:max:rps:)``.
public enum ManifestParser {
    /// The keys a manifest has at its top level.
    static let topLevelKeys = [
        "service", "deploy", "secrets", "environments", "identity", "development", "production", "functions",
    ]

    /// Parses one manifest.
    /// - Parameters:
    ///   - yaml: the file's text.
    ///   - file: the path it came from, recorded in the manifest and in every error.
    /// - Throws: ``ManifestError``; for YAML syntax errors the key is empty and the message
    ///   carries the YAML problem with its line and column.
    public static func parse(yaml: String, file: String) throws(ManifestError) -> ServiceManifest {
        let root = ManifestNode(node: try compose(yaml, file: file), file: file, key: "")
        var service: String?
        var functions: [FunctionManifest]?
        var deploy = Deployment.service
        var secrets: [String] = []
        var environments = ServiceManifest.allEnvironments
        var identity: IdentityProvider?
        var provides: [String: [ProvidedSetting]] = [:]
        let what = "a manifest with the keys service and functions (and optionally deploy, secrets, environments)"
        for (name, value) in try root.entries(allowed: topLevelKeys, expecting: what) {
            switch name {
            case "service": service = try serviceName(value)
            case "deploy": deploy = try FunctionEntryParser.deployment(value)
            case "secrets": secrets = try self.secrets(value)
            case "environments": environments = try self.environments(value)
            case "identity": identity = try IdentityProvider.parse(value)
            case "development", "production": provides[name] = try ProvidesEntryParser.parse(value)
            default: functions = try self.functions(value)
            }
        }
        guard let service else {
            throw ManifestError(
                file: file, key: "service", message: "missing (expected the service name, e.g. service: inventory)")
        }
        guard let functions else {
            throw ManifestError(
                file: file, key: "functions", message: "missing (expected a mapping of function names to their settings)")
        }
        return ServiceManifest(
            service: service, file: file, functions: functions, deploy: deploy, secrets: secrets, environments: environments,
            identity: identity, providedSettings: provides)
    }

    private static func compose(_ yaml: String, file: String) throws(ManifestError) -> YAMLNode {
        let root: YAMLNode?
        do {
            root = try YAMLReader.read(yaml)
        } catch {
            throw ManifestError(file: file, key: "", message: error.description)
        }
        guard let root else {
            throw ManifestError(file: file, key: "", message: "the file is empty (expected the keys service and functions)")
        }
        return root
    }

    /// `[a-z][a-z0-9-]*`, at most 63 characters and not ending in `-`: it names Kubernetes objects.
    private static func serviceName(_ node: ManifestNode) throws(ManifestError) -> String {
        let name = try node.scalar(expecting: "the service name, e.g. inventory")
        let valid =
            name.first.map(ManifestCharacters.isLower) == true
            && name.allSatisfy { ManifestCharacters.isLower($0) || ManifestCharacters.isDigit($0) || $0 == "-" }
            && name.count <= 63 && name.last != "-"
        guard valid else {
            throw node.error(
                "\"\(name)\" is not a service name (lowercase letters, digits and -, starting with a letter, not ending with -, at most 63 characters)"
            )
        }
        return name
    }

    /// Environment variable names, `[A-Z][A-Z0-9_]*`.
    private static func secrets(_ node: ManifestNode) throws(ManifestError) -> [String] {
        let names = try node.scalarOrList(expecting: "the environment variables holding the service's secrets")
        for name in names {
            guard ManifestCharacters.isVariableName(name), !name.hasSuffix("_FILE") else {
                throw node.error(
                    "\"\(name)\" is not a secret's variable (capital letters, digits and _, starting with a letter; the _FILE form is derived)"
                )
            }
        }
        return names
    }

    /// `environments: [development]`: where the service is served (`SOKO_ENV`); both by default.
    private static func environments(_ node: ManifestNode) throws(ManifestError) -> [String] {
        let choices = ServiceManifest.allEnvironments.joined(separator: ", ")
        let names = try node.scalarOrList(expecting: "the environments that serve the service (\(choices))")
        for name in names where !ServiceManifest.allEnvironments.contains(name) {
            throw node.error("\"\(name)\" is not an environment (expected \(choices))")
        }
        return ServiceManifest.allEnvironments.filter(names.contains)
    }

    private static func functions(_ node: ManifestNode) throws(ManifestError) -> [FunctionManifest] {
        let entries = try node.entries(allowed: nil, expecting: "a mapping of function names to their settings")
        guard !entries.isEmpty else {
            throw node.error("lists no function (expected at least one, e.g. addItem: { http: POST /items })")
        }
        var functions: [FunctionManifest] = []
        for (name, value) in entries {
            functions.append(try FunctionEntryParser.parse(name: name, node: value))
        }
        return functions
    }
}
