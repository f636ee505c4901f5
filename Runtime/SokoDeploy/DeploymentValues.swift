/// An application's own settings for its production files (`soko render compose|k8s --values`):
/// where it is served and what its units are told, validated as its production hosts would
/// validate them. Which values there are, and their rules, are the application's; the generators
/// read only these.
public protocol DeploymentValues: Sendable {
    /// The public URL's host name (the Ingress's and its certificate's).
    var host: String { get }
    /// cert-manager's ClusterIssuer for the Ingress certificate.
    var clusterIssuer: String { get }
    /// The settings every unit reads, in the order the env file lists them.
    var environment: [(name: String, value: String)] { get }
}

extension DeploymentValues {
    /// An env file (`NAME=value` lines) of ``environment``, for kustomize and compose.
    public func envFile(header: String) -> String {
        header + environment.map { "\($0.name)=\($0.value)\n" }.joined()
    }
}
