import SokoManifest

/// What the cluster around the units needs: a namespace that admits only "restricted" pods, the
/// NetworkPolicies, the PodMonitor Prometheus scrapes the units by, and prometheus-adapter's values.
extension KubernetesManifests {
    /// Pod Security "restricted", enforced: a pod that runs as root, keeps a capability or lacks a
    /// seccomp profile is refused at admission.
    func namespace() -> String {
        Self.header + """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: soko
              labels:
                pod-security.kubernetes.io/enforce: restricted
                pod-security.kubernetes.io/enforce-version: latest
                pod-security.kubernetes.io/audit: restricted
                pod-security.kubernetes.io/warn: restricted

            """
    }

    /// The units other units call: those serving a `service` function (invocation), an event
    /// consumer (the outbox relay delivers to it) or the identity provider (tokens, JWKS). No
    /// manifest names its callers, so every unit may reach these, and only these.
    var calleeUnits: [String] {
        let identity = IdentityEndpoints.find(in: manifests).map { [$0.token.unit, $0.jwks.unit] } ?? []
        return units.filter { unit in
            identity.contains(unit.name)
                || unit.functions.contains { function in
                    if case .event = function.trigger { return true }
                    return function.auth == .service
                }
        }.map(\.name)
    }

    /// The units the gateway routes to: those with an HTTP function that is not `service`-only.
    var routedUnits: [String] {
        units.filter { unit in
            unit.functions.contains { function in
                if case .http = function.trigger { return function.auth != .service }
                return false
            }
        }.map(\.name)
    }

    /// Default deny both ways, then: DNS for everyone; the Ingress controller (namespace
    /// `ingress-nginx`) → gateway; gateway → the units it routes to; units → the callee units;
    /// units → PostgreSQL (5432, wherever it runs) and third parties on the internet (payment APIs
    /// on 443, SMTP on 587/465), never the cluster's private ranges; Prometheus (namespace
    /// `monitoring`) → the units' /metrics; Alloy → the API server and Loki.
    func networkPolicies() -> String {
        let callees = calleeUnits.joined(separator: ", ")
        let routed = routedUnits.joined(separator: ", ")
        let privateRanges = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].joined(separator: ", ")
        let out =
            Self.header + """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: default-deny
                spec:
                  podSelector: {}
                  policyTypes: [Ingress, Egress]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: dns
                spec:
                  podSelector: {}
                  policyTypes: [Egress]
                  egress:
                    - to:
                        - namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: kube-system } }
                          podSelector: { matchLabels: { k8s-app: kube-dns } }
                      ports:
                        - { protocol: UDP, port: 53 }
                        - { protocol: TCP, port: 53 }
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: gateway
                spec:
                  podSelector: { matchLabels: { app.kubernetes.io/name: gateway } }
                  policyTypes: [Ingress, Egress]
                  ingress:
                    - from:
                        - namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: ingress-nginx } }
                      ports:
                        - { protocol: TCP, port: 8080 }
                  egress:
                    - to:
                        - podSelector:
                            matchExpressions:
                              - { key: app.kubernetes.io/name, operator: In, values: [\(routed)] }
                      ports:
                        - { protocol: TCP, port: 8080 }
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: units
                spec:
                  podSelector: { matchLabels: { app.kubernetes.io/component: function-host } }
                  policyTypes: [Ingress, Egress]
                  ingress:
                    # Prometheus scrapes /metrics.
                    - from:
                        - namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: monitoring } }
                      ports:
                        - { protocol: TCP, port: 8080 }
                  egress:
                    - to:
                        - podSelector:
                            matchExpressions:
                              - { key: app.kubernetes.io/name, operator: In, values: [\(callees)] }
                      ports:
                        - { protocol: TCP, port: 8080 }
                    # PostgreSQL, in the cluster or managed outside it.
                    - ports:
                        - { protocol: TCP, port: 5432 }
                    # Payment APIs and SMTP on the internet, not the cluster's private networks.
                    - to:
                        - ipBlock: { cidr: 0.0.0.0/0, except: [\(privateRanges)] }
                      ports:
                        - { protocol: TCP, port: 443 }
                        - { protocol: TCP, port: 587 }
                        - { protocol: TCP, port: 465 }
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: callees
                spec:
                  podSelector:
                    matchExpressions:
                      - { key: app.kubernetes.io/name, operator: In, values: [\(callees)] }
                  policyTypes: [Ingress]
                  ingress:
                    - from:
                        - podSelector: { matchLabels: { app.kubernetes.io/component: function-host } }
                      ports:
                        - { protocol: TCP, port: 8080 }
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: routed
                spec:
                  podSelector:
                    matchExpressions:
                      - { key: app.kubernetes.io/name, operator: In, values: [\(routed)] }
                  policyTypes: [Ingress]
                  ingress:
                    - from:
                        - podSelector: { matchLabels: { app.kubernetes.io/name: gateway } }
                      ports:
                        - { protocol: TCP, port: 8080 }
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: alloy
                spec:
                  podSelector: { matchLabels: { app.kubernetes.io/name: alloy } }
                  policyTypes: [Egress]
                  egress:
                    # The API server (pods and their logs), wherever the cluster puts it.
                    - ports:
                        - { protocol: TCP, port: 443 }
                        - { protocol: TCP, port: 6443 }
                    - to:
                        - namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: monitoring } }
                      ports:
                        - { protocol: TCP, port: 3100 }

                """
        // A set of no units is not a valid selector: select no pod instead.
        return out.replacingOccurrences(of: "values: []", with: "values: [no-such-unit]")
    }

    /// Dev's stand-ins call and are called back across the namespace (the sandbox through the
    /// gateway, payments into the sandbox): dev lets the namespace's pods reach each other.
    func developmentNetworkPolicy() -> String {
        Self.header + """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: development-within-namespace
            spec:
              podSelector: {}
              policyTypes: [Ingress, Egress]
              ingress:
                - from:
                    - podSelector: {}
              egress:
                - to:
                    - podSelector: {}

            """
    }

    /// kube-prometheus-stack scrapes what PodMonitors select; its default selector wants the
    /// Helm release's label (`release: kube-prometheus-stack`). Every 30 s: the adapter's 2-minute
    /// rate window then holds four samples (two with a 1-minute scrape).
    func podMonitor() -> String {
        Self.header + """
            apiVersion: monitoring.coreos.com/v1
            kind: PodMonitor
            metadata:
              name: soko
              labels: { app.kubernetes.io/part-of: soko, release: kube-prometheus-stack }
            spec:
              selector:
                matchLabels: { app.kubernetes.io/component: function-host }
              podMetricsEndpoints:
                - port: http
                  path: /metrics
                  interval: 30s

            """
    }

    /// The rate window of the autoscaling queries: at least two samples of a 1-minute scrape.
    static let rateWindow = "2m"

    /// prometheus-adapter's Helm values: the per-pod request rate, from the hosts' own counter, as
    /// the custom metric `http_requests_per_second` the HPAs read.
    func adapterValues() -> String {
        Self.header + """
            # prometheus-adapter's Helm values (README: Running on Kubernetes):
            #   helm install prometheus-adapter prometheus-community/prometheus-adapter \\
            #     --namespace monitoring -f manifests/k8s/prometheus-adapter/values.yaml
            prometheus:
              url: http://kube-prometheus-stack-prometheus.monitoring.svc
              port: 9090
            rules:
              default: false
              custom:
                - seriesQuery: 'http_requests_total{namespace!="",pod!=""}'
                  resources:
                    overrides:
                      namespace: { resource: namespace }
                      pod: { resource: pod }
                  name:
                    matches: "^http_requests_total$"
                    as: "http_requests_per_second"
                  # \(Self.rateWindow): two samples even at a 1-minute scrape interval (1m would often hold one).
                  metricsQuery: 'sum(rate(<<.Series>>{<<.LabelMatchers>>}[\(Self.rateWindow)])) by (<<.GroupBy>>)'

            """
    }
}
