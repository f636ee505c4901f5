/// One setting a service gives every unit of a deployment in one environment (`development:
/// { provides: { NAME: value } }`, `production: { provides: … }`): a development stand-in for an
/// outside API tells its callers where it is; a production service names the live API it calls.
/// The value may name the service's own address, `{url}`, and the gateway's host name,
/// `{gateway}`; a generator fills them in for its deployment.
public struct ProvidedSetting: Sendable, Equatable {
    /// The environment variable, `[A-Z][A-Z0-9_]*`.
    public var name: String
    /// The value, with ``urlPlaceholder`` and ``gatewayPlaceholder`` still in it.
    public var value: String

    /// Stands for the providing service's base URL (scheme, host and port).
    public static let urlPlaceholder = "{url}"
    /// Stands for the host name under which the gateway reaches every unit.
    public static let gatewayPlaceholder = "{gateway}"

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// The value with the placeholders filled in.
    public func value(url: String, gateway: String) -> String {
        value.replacing(Self.urlPlaceholder, with: url).replacing(Self.gatewayPlaceholder, with: gateway)
    }
}

/// Parses a manifest's `development:` or `production:` mapping (today one key, `provides`).
enum ProvidesEntryParser {
    static let keys = ["provides"]

    static func parse(_ node: ManifestNode) throws(ManifestError) -> [ProvidedSetting] {
        var settings: [ProvidedSetting] = []
        for (_, provides) in try node.entries(allowed: keys, expecting: "a mapping such as { provides: { NAME: value } }") {
            let form = "a mapping of environment variables to values, e.g. { EXAMPLE_BASE_URL: \"{url}/_example\" }"
            for (name, value) in try provides.entries(allowed: nil, expecting: form) {
                guard ManifestCharacters.isVariableName(name) else {
                    throw value.error(
                        "\"\(name)\" is not an environment variable (capital letters, digits and _, starting with a letter)")
                }
                let text = try value.scalar(expecting: "the setting's value")
                guard !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else {
                    throw value.error("contains a line break or control character")
                }
                let remainder = text.replacing(ProvidedSetting.urlPlaceholder, with: "")
                    .replacing(ProvidedSetting.gatewayPlaceholder, with: "")
                guard !remainder.contains("{"), !remainder.contains("}") else {
                    throw value.error(
                        "\"\(text)\" has a placeholder other than \(ProvidedSetting.urlPlaceholder) and \(ProvidedSetting.gatewayPlaceholder)"
                    )
                }
                settings.append(ProvidedSetting(name: name, value: text))
            }
        }
        return settings
    }
}
