import SokoManifest

extension [ServiceManifest] {
    /// The settings the manifests provide in `environment` (`development: { provides: … }`), by
    /// service, with the placeholders filled in for one deployment.
    /// - Parameters:
    ///   - url: a service's base URL in the deployment, for `{url}`.
    ///   - gateway: the gateway's host name, for `{gateway}`.
    func providedSettings(
        in environment: String, url: (String) -> String, gateway: String
    ) -> [(name: String, value: String)] {
        sorted { $0.service < $1.service }.flatMap { manifest in
            manifest.provides(in: environment).map { ($0.name, $0.value(url: url(manifest.service), gateway: gateway)) }
        }
    }
}
