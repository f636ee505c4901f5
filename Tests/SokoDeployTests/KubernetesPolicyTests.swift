import Foundation
import SokoDeploy
import SokoManifest
import Testing
import Yams

/// The policy check over what each overlay builds (`kubectl kustomize`): the project's own rules,
/// the ones kube-score and the Pod Security "restricted" profile apply (neither installs here).
@Suite("The Kubernetes objects pass the hardening policy")
struct KubernetesPolicyTests {
    typealias Object = [String: Any]

    /// The objects the overlay builds, rendered with the shop's values; nil when kubectl is
    /// missing outside CI (under CI its absence fails).
    static func objects(_ overlay: String) async throws -> [Object]? {
        guard let text = try await KubernetesManifestsTests.build(overlay) else { return nil }
        return try Yams.load_all(yaml: text).compactMap { $0 as? Object }
    }

    static func kind(_ objects: [Object], _ kind: String) -> [Object] {
        objects.filter { $0["kind"] as? String == kind }
    }

    static func name(_ object: Object) -> String {
        (object["metadata"] as? Object)?["name"] as? String ?? ""
    }

    static func podSpec(_ workload: Object) -> Object {
        (((workload["spec"] as? Object)?["template"] as? Object)?["spec"] as? Object) ?? [:]
    }

    @Test(arguments: ["dev", "prod", "keda"])
    func everyPodIsRestricted(_ overlay: String) async throws {
        guard let objects = try await Self.objects(overlay) else { return }
        let namespace = try #require(Self.kind(objects, "Namespace").first)
        let labels = (namespace["metadata"] as? Object)?["labels"] as? [String: String] ?? [:]
        #expect(labels["pod-security.kubernetes.io/enforce"] == "restricted")
        let workloads = Self.kind(objects, "Deployment") + Self.kind(objects, "DaemonSet")
        #expect(workloads.count >= 8)
        for workload in workloads {
            let name = Self.name(workload)
            let pod = Self.podSpec(workload)
            let security = pod["securityContext"] as? Object ?? [:]
            #expect(security["runAsNonRoot"] as? Bool == true, "\(name): runAsNonRoot")
            #expect((security["seccompProfile"] as? Object)?["type"] as? String == "RuntimeDefault", "\(name): seccomp")
            // Only Alloy talks to the API server.
            #expect(pod["automountServiceAccountToken"] as? Bool == (name == "alloy"), "\(name): service account token")
            for container in pod["containers"] as? [Object] ?? [] {
                let context = container["securityContext"] as? Object ?? [:]
                #expect(context["allowPrivilegeEscalation"] as? Bool == false, "\(name): privilege escalation")
                #expect(context["readOnlyRootFilesystem"] as? Bool == true, "\(name): read-only root")
                #expect((context["capabilities"] as? Object)?["drop"] as? [String] == ["ALL"], "\(name): capabilities")
                let resources = container["resources"] as? Object ?? [:]
                #expect((resources["limits"] as? Object)?["memory"] != nil, "\(name): memory limit")
                #expect((resources["requests"] as? Object)?["cpu"] != nil, "\(name): cpu request")
                if overlay != "dev" {
                    #expect((container["image"] as? String)?.hasSuffix(":latest") == false, "\(name): image tag")
                }
            }
        }
    }

    @Test(arguments: ["dev", "prod", "keda"])
    func theAutoscalersOwnTheReplicaCounts(_ overlay: String) async throws {
        guard let objects = try await Self.objects(overlay) else { return }
        let scalers = Self.kind(objects, "HorizontalPodAutoscaler") + Self.kind(objects, "ScaledObject")
        let targets = Set(scalers.compactMap { (($0["spec"] as? Object)?["scaleTargetRef"] as? Object)?["name"] as? String })
        let deployments = Self.kind(objects, "Deployment")
        #expect(targets.count == deployments.count - 1, "every unit but the gateway scales")
        for deployment in deployments {
            let name = Self.name(deployment)
            let spec = deployment["spec"] as? Object ?? [:]
            // A replica count beside an autoscaler is reset by every `kubectl apply`.
            #expect((spec["replicas"] == nil) == (name != "gateway"), "\(name): spec.replicas")
            let pod = Self.podSpec(deployment)
            let container = (pod["containers"] as? [Object])?.first ?? [:]
            guard name != "gateway" else { continue }
            // Migrations run before the host listens: a startup probe holds liveness off.
            let startup = container["startupProbe"] as? Object
            #expect((startup?["httpGet"] as? Object)?["path"] as? String == "/healthz", "\(name): startupProbe")
            #expect((startup?["failureThreshold"] as? Int ?? 0) * (startup?["periodSeconds"] as? Int ?? 0) >= 120)
            // A unit that can run two pods spreads them over nodes.
            let spread = (pod["topologySpreadConstraints"] as? [Object] ?? []).compactMap { $0["topologyKey"] as? String }
            let scaler = scalers.first { (($0["spec"] as? Object)?["scaleTargetRef"] as? Object)?["name"] as? String == name }
            let maximum = (scaler?["spec"] as? Object).flatMap { ($0["maxReplicas"] ?? $0["maxReplicaCount"]) as? Int } ?? 1
            #expect(spread.contains("kubernetes.io/hostname") == (maximum >= 2), "\(name): topology spread")
        }
        // The HPAs' behaviour is explicit: benchmarks/scaling.py reads it.
        for hpa in Self.kind(objects, "HorizontalPodAutoscaler") {
            let behavior = (hpa["spec"] as? Object)?["behavior"] as? Object
            #expect((behavior?["scaleDown"] as? Object)?["stabilizationWindowSeconds"] as? Int == 300)
        }
        // KEDA's query and the adapter's rule use a window that holds two 1-minute scrapes.
        for scaled in Self.kind(objects, "ScaledObject") {
            let trigger = ((scaled["spec"] as? Object)?["triggers"] as? [Object])?.first
            #expect(((trigger?["metadata"] as? Object)?["query"] as? String)?.hasSuffix("[2m]))") == true)
        }
    }

    @Test func theNetworkIsDeniedButForTheCallsTheShopMakes() async throws {
        guard let objects = try await Self.objects("prod") else { return }
        let policies = Dictionary(
            uniqueKeysWithValues: Self.kind(objects, "NetworkPolicy").map { (Self.name($0), $0["spec"] as? Object ?? [:]) })
        let deny = try #require(policies["default-deny"])
        #expect((deny["podSelector"] as? Object)?.isEmpty == true && deny["ingress"] == nil && deny["egress"] == nil)
        #expect(deny["policyTypes"] as? [String] == ["Ingress", "Egress"])
        func values(_ policy: String) -> Set<String> {
            let selector = ((policies[policy]?["podSelector"] as? Object)?["matchExpressions"] as? [Object])?.first
            return Set(selector?["values"] as? [String] ?? [])
        }
        // Callees: invoked (service auth), event consumers and the identity provider — not the catalog pages.
        #expect(values("callees").isSuperset(of: ["users", "orders", "catalog", "notifications"]))
        #expect(!values("callees").contains("catalog-get-product"))
        // The gateway reaches the units with public routes, not a `service`-only one.
        #expect(values("routed").isSuperset(of: ["catalog-get-product", "payments-mpesa-callback", "cart", "orders"]))
        let units = try #require(policies["units"])
        let egress = units["egress"] as? [Object] ?? []
        #expect(egress.contains { ($0["ports"] as? [Object])?.first?["port"] as? Int == 5432 }, "units → PostgreSQL")
        let internet = egress.first { $0["to"].flatMap { ($0 as? [Object])?.first?["ipBlock"] } != nil }
        let block = ((internet?["to"] as? [Object])?.first?["ipBlock"] as? Object)?["except"] as? [String] ?? []
        #expect(block.contains("10.0.0.0/8"), "the internet, not the cluster's private ranges")
        // Every unit's pods are selected by the units' policy, and the PodMonitor scrapes them.
        let monitor = try #require(Self.kind(objects, "PodMonitor").first)
        let selected = ((monitor["spec"] as? Object)?["selector"] as? Object)?["matchLabels"] as? [String: String]
        #expect(selected == ["app.kubernetes.io/component": "function-host"])
        #expect(
            (monitor["metadata"] as? Object).flatMap { ($0["labels"] as? [String: String])?["release"] }
                == "kube-prometheus-stack")
        for deployment in Self.kind(objects, "Deployment") where Self.name(deployment) != "gateway" {
            let labels = ((deployment["spec"] as? Object)?["template"] as? Object).flatMap {
                ($0["metadata"] as? Object)?["labels"] as? [String: String]
            }
            #expect(labels?["app.kubernetes.io/component"] == "function-host", "\(Self.name(deployment))")
        }
        // Alloy reads this namespace only, and labels lines the way compose does.
        #expect(Self.kind(objects, "ClusterRole").isEmpty && Self.kind(objects, "ClusterRoleBinding").isEmpty)
        let alloy = try #require(Self.kind(objects, "ConfigMap").first { Self.name($0).hasPrefix("alloy") })
        let config = (alloy["data"] as? [String: String])?["config.alloy"] ?? ""
        #expect(config.contains(#"names = ["soko"]"#) && config.contains(#"target_label  = "service""#))
        let dashboard = try #require(Self.kind(objects, "ConfigMap").first { Self.name($0) == "grafana-dashboard-soko" })
        let json = try #require((dashboard["data"] as? [String: String])?["soko.json"])
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        #expect((parsed?["panels"] as? [Any])?.count == 7)
    }
}
