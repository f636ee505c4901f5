import SokoManifest

/// Picks what one process serves: everything (no selection), one service's unit (its functions
/// deployed with it — those with `deploy: function` run in processes of their own), or one function.
enum FunctionSelection {
    static func select(
        from manifests: [ServiceManifest], service: String?,
        function: String?
    ) throws -> [(ServiceManifest, FunctionManifest)] {
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
        if let service, function == nil {
            let manifest = chosen[0]
            pairs = pairs.filter { manifest.deployment(of: $0.1) == .service }
            if pairs.isEmpty {
                throw HostSetupError(
                    "every function of service \"\(service)\" is deployed on its own (deploy: function): serve one with --function NAME"
                )
            }
        }
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
