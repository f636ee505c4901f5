import SokoManifest

/// The parts beside the services: log shipping and the KEDA overlay.
extension KubernetesManifests {
    /// Grafana Alloy on every node: the Soko pods' stdout (the hosts' JSON lines) to Loki, labelled
    /// only with namespace, `service` (the unit, as compose labels it, so one dashboard reads both)
    /// and level — request and order ids stay in the line. It reads this namespace only: a Role,
    /// not a ClusterRole, and its discovery names the namespace.
    func alloy() -> String {
        Self.header + """
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: alloy
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata:
              name: soko-alloy
            rules:
              - apiGroups: [""]
                resources: [pods, pods/log]
                verbs: [get, list, watch]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata:
              name: soko-alloy
            roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: soko-alloy }
            subjects:
              - { kind: ServiceAccount, name: alloy, namespace: soko }
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: alloy
            data:
              config.alloy: |
                discovery.kubernetes "pods" {
                  role = "pod"
                  namespaces {
                    names = ["soko"]
                  }
                  // This node's pods only: each line is shipped once, by the DaemonSet pod beside it.
                  selectors {
                    role  = "pod"
                    field = "spec.nodeName=" + sys.env("NODE_NAME")
                  }
                }
                discovery.relabel "pods" {
                  targets = discovery.kubernetes.pods.targets
                  rule {
                    source_labels = ["__meta_kubernetes_namespace"]
                    target_label  = "namespace"
                  }
                  rule {
                    source_labels = ["__meta_kubernetes_pod_label_app_kubernetes_io_name"]
                    target_label  = "service"
                  }
                }
                loki.source.kubernetes "pods" {
                  targets    = discovery.relabel.pods.output
                  forward_to = [loki.process.json.receiver]
                }
                loki.process "json" {
                  stage.json {
                    expressions = { level = "level" }
                  }
                  stage.labels {
                    values = { level = "" }
                  }
                  forward_to = [loki.write.loki.receiver]
                }
                loki.write "loki" {
                  endpoint {
                    url = "http://loki.monitoring.svc:3100/loki/api/v1/push"
                  }
                }
            ---
            apiVersion: apps/v1
            kind: DaemonSet
            metadata:
              name: alloy
              labels: { app.kubernetes.io/name: alloy, app.kubernetes.io/part-of: soko }
            spec:
              selector:
                matchLabels: { app.kubernetes.io/name: alloy }
              template:
                metadata:
                  labels: { app.kubernetes.io/name: alloy, app.kubernetes.io/part-of: soko }
                spec:
                  serviceAccountName: alloy
                  # Alloy reads pods and their logs through the API: it needs its token, not the node's files.
                  automountServiceAccountToken: true
                  securityContext:
                    runAsNonRoot: true
                    runAsUser: 473
                    runAsGroup: 473
                    seccompProfile: { type: RuntimeDefault }
                  containers:
                    - name: alloy
                      image: grafana/alloy:v1.4.2
                      args: ["run", "/etc/alloy/config.alloy", "--storage.path=/tmp/alloy"]
                      env:
                        - name: NODE_NAME
                          valueFrom: { fieldRef: { fieldPath: spec.nodeName } }
                      resources:
                        requests: { cpu: 50m, memory: 64Mi }
                        limits: { cpu: 500m, memory: 256Mi }
                      securityContext:
                        allowPrivilegeEscalation: false
                        readOnlyRootFilesystem: true
                        capabilities: { drop: [ALL] }
                      volumeMounts:
                        - { name: config, mountPath: /etc/alloy, readOnly: true }
                        - { name: data, mountPath: /tmp }
                  volumes:
                    - name: config
                      configMap: { name: alloy }
                    - name: data
                      emptyDir: {}

            """
    }

    /// The `keda` overlay: ScaledObjects (Prometheus trigger on the same rate) replace the HPAs.
    func keda() -> [(path: String, text: String)] {
        var objects = ""
        var patches = ""
        for unit in units {
            let (minimum, maximum, rps) = scale(unit)
            objects += """
                ---
                apiVersion: keda.sh/v1alpha1
                kind: ScaledObject
                metadata:
                  name: \(unit.name)
                spec:
                  scaleTargetRef: { name: \(unit.name) }
                  minReplicaCount: \(minimum)
                  maxReplicaCount: \(maximum)
                  triggers:
                    - type: prometheus
                      metadata:
                        serverAddress: http://prometheus.monitoring.svc:9090
                        # The unit's pods only (<deployment>-<replica set>-<pod>), not a longer unit's.
                        query: sum(rate(http_requests_total{namespace="soko",pod=~"\(unit.name)-[a-z0-9]+-[a-z0-9]+"}[2m]))
                        threshold: "\(rps)"

                """
            patches +=
                "  - patch: |-\n      $patch: delete\n      apiVersion: autoscaling/v2\n      kind: HorizontalPodAutoscaler\n"
            patches += "      metadata: { name: \(unit.name) }\n"
        }
        return [
            ("overlays/keda/scaledobjects.yaml", Self.header + objects),
            (
                "overlays/keda/kustomization.yaml",
                Self.header
                    + "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: soko\nresources:\n  - ../prod\n  - scaledobjects.yaml\npatches:\n"
                    + patches
            ),
        ]
    }
}
