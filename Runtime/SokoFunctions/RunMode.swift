/// Whether a process runs a real shop or a developer's copy, from `SOKO_ENV` (`soko serve --env`).
///
/// In `development` (the default of `scripts/run.sh`) bundles may fall back to the built-in
/// payment sandbox, mail written to files and local URLs. In `production` (the container image,
/// compose and every Kubernetes overlay but dev) nothing falls back: a bundle whose settings are
/// missing or still the sandbox's refuses to start, naming the variable, and services a manifest
/// marks `environments: [development]` are not served.
public enum RunMode: String, Sendable, CaseIterable {
    case development
    case production

    /// The variable that chooses the mode.
    public static let variable = "SOKO_ENV"

    /// The mode `environment` names; `nil` for a value that is neither, empty included (the host
    /// refuses it), `development` when the variable is unset.
    public static func from(_ environment: [String: String]) -> RunMode? {
        // Unset is development; set but empty (compose's `${UNSET}`) is a mistake, not a choice.
        guard let text = environment[variable] else { return .development }
        return RunMode(rawValue: text)
    }
}

extension FunctionRegistry {
    /// The process's mode (``RunMode``), as the host resolved it before the bundles registered.
    public var mode: RunMode { RunMode.from(environment) ?? .development }
}

/// One setting a bundle runs with, as `soko check-config` prints it (secrets already masked).
public struct ReportedSetting: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// A secret as a report may show it: enough of its start to tell a live key from a test one
    /// (`sk_live_…`) when it is long, never the rest.
    public static func masked(_ secret: String) -> String {
        guard !secret.isEmpty else { return "(empty)" }
        guard secret.count >= 24 else { return "(masked, \(secret.count) characters)" }
        return "\(secret.prefix(8))… (masked, \(secret.count) characters)"
    }
}
