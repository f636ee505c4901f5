import SokoManifest

/// Picks what one process serves: everything (no selection), one service (all its functions), one
/// deployment unit (a service's functions deployed with it, or one deployed on its own), or one
/// function.
enum FunctionSelection {
    static func select(
        from manifests: [ServiceManifest], service: String?,
        function: String?, unit: String? = nil
    ) throws -> [(ServiceManifest, FunctionManifest)] {
        if let unit {
            guard service == nil, function == nil else {
                throw HostSetupError("--unit selects on its own: leave out --service and --function")
            }
            for manifest in manifests {
                if let found = manifest.units.first(where: { $0.name == unit }) {
                    return found.functions.map { (manifest, $0) }
                }
            }
            let known = manifests.flatMap(\.units).map(\.name).sorted().joined(separator: ", ")
            throw HostSetupError("no deployment unit named \"\(unit)\" (known: \(known))")
        }
        var chosen = manifests
        if let service {
            chosen = manifests.filter { $0.service == service }
            if chosen.isEmpty {
                throw HostSetupError(
                    "no manifest declares service \"\(service)\" (known: \(manifests.map(\.service).sorted().joined(separator: ", ")))"
                )
            }
        }
        var pairs = chosen.flatMap { manifest in manifest.functions.map { (manifest, $0) } }
        if let function {
            let parts = function.split(separator: ".", maxSplits: 1).map(String.init)
            pairs = pairs.filter { manifest, entry in
                parts.count == 2 ? (manifest.service == parts[0] && entry.name == parts[1]) : entry.name == function
            }
            if pairs.isEmpty { throw HostSetupError("no function named \"\(function)\" in the selected manifests") }
            if pairs.count > 1 {
                throw HostSetupError(
                    "\"\(function)\" is ambiguous: name it as service.function (\(pairs.map { "\($0.0.service).\($0.1.name)" }.joined(separator: ", ")))"
                )
            }
        }
        return pairs
    }
}
