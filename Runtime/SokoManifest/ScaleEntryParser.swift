/// Reads a function's `scale: { min, max, rps }`; keys left out keep ``ScalePolicy``'s defaults.
enum ScaleEntryParser {
    static let keys = ["min", "max", "rps"]

    static func parse(_ node: ManifestNode) throws(ManifestError) -> ScalePolicy {
        var policy = ScalePolicy()
        var maxNode: ManifestNode?
        var minNode: ManifestNode?
        for (key, value) in try node.entries(allowed: keys, expecting: "a mapping such as { min: 1, max: 20, rps: 200 }") {
            switch key {
            case "min":
                policy.min = try value.integer(atLeast: 0, counting: "replicas")
                minNode = value
            case "max":
                policy.max = try value.integer(atLeast: 1, counting: "replicas")
                maxNode = value
            default:
                policy.rps = try value.integer(atLeast: 1, counting: "requests per second per replica")
            }
        }
        guard policy.max >= policy.min else {
            // Blame the key the file wrote; with only `min` written, the default max is at fault.
            let culprit = maxNode ?? minNode ?? node
            let defaulted = maxNode == nil ? " (the default)" : ""
            throw culprit.error("max \(policy.max)\(defaulted) is below min \(policy.min); max must be at least min")
        }
        return policy
    }
}
