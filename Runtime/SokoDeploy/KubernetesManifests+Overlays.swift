import SokoManifest

/// The overlays: dev (the sandbox and examples, development settings), prod (the shop's settings
/// and its TLS Ingress, from the shop's values) and what they share.
extension KubernetesManifests {
    static let shopHeader = """
        # The shop's settings, from its values (soko render k8s --values shop.yaml); merged into
        # soko-config by the prod overlay.

        """

    /// The shop's edge: an Ingress terminating TLS with a certificate cert-manager obtains and
    /// renews, redirecting HTTP to HTTPS, in front of the gateway.
    func ingress(_ values: any DeploymentValues) -> String {
        Self.header + """
            # TLS ends here: cert-manager (annotation below) obtains the certificate for \(values.host)
            # into the Secret soko-tls. Install cert-manager and a ClusterIssuer named \(values.clusterIssuer)
            # first (README: Deploying to production). HTTP is redirected to HTTPS by the controller;
            # the gateway adds HSTS. Client addresses: run the controller's Service with
            # externalTrafficPolicy: Local, so the allowlist and rate limits see shoppers, not nodes.
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: soko
              annotations:
                cert-manager.io/cluster-issuer: \(values.clusterIssuer)
                nginx.ingress.kubernetes.io/ssl-redirect: "true"
                nginx.ingress.kubernetes.io/force-ssl-redirect: "true"
                nginx.ingress.kubernetes.io/proxy-body-size: 1m
            \(Self.ingressSpec(host: values.host, paths: ["/"]))

            """ + quietIngress(values)
    }

    /// Routes whose paths carry a secret (`log: { redact: […] }`, the M-Pesa callback's token):
    /// an Ingress of their own with the controller's access log off — the gateway behind logs them,
    /// redacted. Same host and certificate (issued for the main Ingress).
    func quietIngress(_ values: any DeploymentValues) -> String {
        var prefixes: [String] = []
        for manifest in manifests where manifest.isServed(in: "production") {
            for prefix in manifest.functions.flatMap(\.redactedRoutePrefixes) where prefix != "/" {
                let path = String(prefix.dropLast())  // an Ingress path has no trailing slash
                if !prefixes.contains(path) { prefixes.append(path) }
            }
        }
        guard !prefixes.isEmpty else { return "" }
        return """
            ---
            # Paths that carry a secret (\(prefixes.joined(separator: ", "))): kept out of the controller's
            # access log; the gateway logs them with the secret redacted.
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: soko-quiet
              annotations:
                nginx.ingress.kubernetes.io/enable-access-log: "false"
                nginx.ingress.kubernetes.io/ssl-redirect: "true"
                nginx.ingress.kubernetes.io/force-ssl-redirect: "true"
            \(Self.ingressSpec(host: values.host, paths: prefixes))

            """
    }

    /// An Ingress's `spec`: TLS for `host` from the Secret `soko-tls`, `paths` (prefixes) to the gateway.
    static func ingressSpec(host: String, paths: [String]) -> String {
        var out = """
            spec:
              ingressClassName: nginx
              tls:
                - hosts: [\(host)]
                  secretName: soko-tls
              rules:
                - host: \(host)
                  http:
                    paths:
            """
        for path in paths {
            out += """

                          - path: \(path)
                            pathType: Prefix
                            backend:
                              service:
                                name: gateway
                                port: { name: http }
                """
        }
        return out
    }

    func overlay(name: String, replicas: Int?) -> String {
        var out =
            Self.header + """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - ../../base

                """
        let dev = name == "dev"
        if dev {
            out += developmentUnits.map { "  - \($0.name).yaml\n" }.joined() + "  - network-policies.yaml\nnamespace: soko\n"
        } else {
            // The shop's Ingress (TLS by cert-manager) and settings: written by a render with values.
            out += "  - ingress.yaml\n"
        }
        out += "labels:\n  - pairs: { soko.example/environment: \(name) }\n"
        if !dev {
            out += """
                # The shop's own settings (soko render k8s --values shop.yaml writes shop.env): without
                # them this overlay does not build, so nothing deploys with placeholders.
                configMapGenerator:
                  - name: soko-config
                    behavior: merge
                    envs: [shop.env]

                """
        }
        if dev {
            // Dev calls the development services' stand-ins (their manifests' `development: provides`),
            // which call back through the gateway, and mails to files.
            let gateway = "gateway.soko.svc.cluster.local"
            let provided = manifests.providedSettings(
                in: "development", url: { "http://\($0).soko.svc.cluster.local:8080" }, gateway: gateway)
            out += """
                configMapGenerator:
                  - name: soko-config
                    behavior: merge
                    literals:
                      - SOKO_ENV=development
                      - SOKO_PUBLIC_URL=http://\(gateway)

                """
            out += provided.map { "      - \($0.name)=\($0.value)\n" }.joined() + "      - SOKO_SMTP_URL=\n"
            out += """
                  # Development's stand-ins call back through the gateway: no gateway allowlists here.
                  - name: gateway
                    behavior: replace
                    files: [nginx.conf=gateway.conf]

                """
        }
        if let replicas {
            // The autoscalers own the replica counts (no Deployment sets one); dev's start lower.
            out += "patches:\n  - target: { kind: HorizontalPodAutoscaler }\n"
            out += "    patch: '[{\"op\": \"replace\", \"path\": \"/spec/minReplicas\", \"value\": \(replicas)}]'\n"
        } else {
            out += "images:\n  - { name: ghcr.io/soko/soko, newTag: stable }\n"
        }
        return out
    }
}
