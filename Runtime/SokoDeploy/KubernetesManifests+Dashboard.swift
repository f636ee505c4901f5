/// The Grafana dashboard of a cluster: what the compose dashboard shows (rate, errors, p99 per
/// function, one request's logs by the same `service` label) plus what scaling adds — replicas per
/// unit against what the autoscaler wants, and restarts.
extension KubernetesManifests {
    /// A ConfigMap kube-prometheus-stack's Grafana sidecar loads (label `grafana_dashboard`; the
    /// sidecar must search this namespace: `grafana.sidecar.dashboards.searchNamespace=ALL`).
    func grafanaDashboard() -> String {
        let window = Self.rateWindow
        let panels: [(kind: String, title: String, source: String, expression: String)] = [
            (
                "timeseries", "Requests per second by function", "prometheus",
                "sum by (function) (rate(http_requests_total{namespace=\\\"soko\\\"}[\(window)]))"
            ),
            (
                "timeseries", "Errors (5xx) per second by function", "prometheus",
                "sum by (function) (rate(http_requests_total{namespace=\\\"soko\\\",code=~\\\"5..\\\"}[\(window)]))"
            ),
            (
                "timeseries", "p99 latency by function (s)", "prometheus",
                "histogram_quantile(0.99, sum by (function, le) (rate(http_request_duration_seconds_bucket{namespace=\\\"soko\\\"}[5m])))"
            ),
            (
                "timeseries", "Replicas available by unit", "prometheus",
                "kube_deployment_status_replicas_available{namespace=\\\"soko\\\"}"
            ),
            (
                "timeseries", "Replicas the autoscaler wants by unit", "prometheus",
                "kube_horizontalpodautoscaler_status_desired_replicas{namespace=\\\"soko\\\"}"
            ),
            (
                "timeseries", "Container restarts (15m) by pod", "prometheus",
                "increase(kube_pod_container_status_restarts_total{namespace=\\\"soko\\\"}[15m])"
            ),
            (
                "logs", "Logs of one request (set request id above)", "loki",
                "{namespace=\\\"soko\\\", service=~\\\".+\\\"} |= \\\"$request_id\\\""
            ),
        ]
        let rendered = panels.enumerated().map { index, panel in
            let position = "\"gridPos\": { \"x\": \(index % 2 * 12), \"y\": \(index / 2 * 8), \"w\": 12, \"h\": 8 }"
            return """
                        {
                          "type": "\(panel.kind)", "title": "\(panel.title)", \(position),
                          "datasource": { "type": "\(panel.source)", "uid": "\(panel.source)" },
                          "targets": [{ "expr": "\(panel.expression)" }]
                        }
                """
        }.joined(separator: ",\n")
        return Self.header + """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: grafana-dashboard-soko
              labels: { app.kubernetes.io/part-of: soko, grafana_dashboard: "1" }
            data:
              soko.json: |
                {
                  "title": "Soko on Kubernetes",
                  "uid": "soko-kubernetes",
                  "schemaVersion": 39,
                  "time": { "from": "now-1h", "to": "now" },
                  "templating": {
                    "list": [
                      { "name": "request_id", "type": "textbox", "label": "request id", "query": "" }
                    ]
                  },
                  "panels": [
            \(rendered)
                  ]
                }

            """
    }
}
