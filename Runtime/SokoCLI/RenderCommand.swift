import ArgumentParser
import Foundation
import SokoDeploy
import SokoManifest

struct Render: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate deployment files from the function manifests (committed; CI fails when they are stale).",
        subcommands: [RenderNginx.self, RenderCompose.self, RenderKubernetes.self])
}

struct RenderNginx: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nginx", abstract: "Write the nginx gateway's configuration (default gateway/nginx.conf).")

    @Option(help: "Folder of <service>.yaml manifests.")
    var manifests = "manifests/functions"

    @Option(help: "Where to write it ('-' for standard output).")
    var output = "gateway/nginx.conf"

    @Option(help: "The gateway's listen address or port.")
    var listen = "8080"

    @Option(
        help:
            "An upstream address for a deployment unit, as unit=host:port, or *=host:port for every unit not named (repeatable; default <unit>:8080)."
    )
    var upstream: [String] = []

    @Option(
        help: "Addresses allowed to post M-Pesa callbacks, comma-separated; 'off' for none (the sandbox); default Safaricom's.")
    var mpesaAllowlist: String?

    @Option(help: "nginx's pid file.")
    var pidFile = "/tmp/soko-gateway.pid"

    func run() async throws {
        var upstreams: [String: String] = [:]
        for entry in upstream {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ValidationError("--upstream takes unit=host:port, not \(entry)")
            }
            upstreams[parts[0]] = parts[1]
        }
        let allowlist: [String] =
            switch mpesaAllowlist {
            case nil: NginxGateway.safaricomAddresses
            case "off": []
            case let list?: list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            }
        let loaded = try RenderFiles.load(manifests)
        let text = try NginxGateway(
            manifests: loaded,
            options: .init(listen: listen, upstreams: upstreams, mpesaAllowlist: allowlist, pidFile: pidFile)
        ).render()
        if output == "-" {
            print(text, terminator: "")
        } else {
            try FileManager.default.createDirectory(
                atPath: (output as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: output, atomically: true, encoding: .utf8)
            print("wrote \(output)")
        }
    }
}

struct RenderCompose: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compose",
        abstract: "Write docker/compose.yaml, the PostgreSQL init script and Prometheus's scrape list.")

    @Option(help: "Folder of <service>.yaml manifests.")
    var manifests = "manifests/functions"

    @Option(help: "The docker/ folder to write into.")
    var output = "docker"

    func run() async throws {
        try RenderFiles.write(try ComposeStack(manifests: try RenderFiles.load(manifests)).render(), under: output)
    }
}

struct RenderKubernetes: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "k8s", abstract: "Write manifests/k8s/ (kustomize base, overlays dev, prod and keda).")

    @Option(help: "Folder of <service>.yaml manifests.")
    var manifests = "manifests/functions"

    @Option(help: "The folder to write into.")
    var output = "manifests/k8s"

    @Option(help: "The shop's public URL, where Daraja posts M-Pesa callbacks (the soko-config ConfigMap).")
    var publicURL = KubernetesManifests.examplePublicURL

    func run() async throws {
        let loaded = try RenderFiles.load(manifests)
        try RenderFiles.write(try KubernetesManifests(manifests: loaded, publicURL: publicURL).render(), under: output)
    }
}

/// What the render commands share: reading the manifests, writing the files.
enum RenderFiles {
    static func load(_ directory: String) throws -> [ServiceManifest] {
        do {
            return try ManifestLoader.load(directory: directory)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    static func write(_ files: [(path: String, text: String)], under folder: String) throws {
        for file in files {
            let path = folder + "/" + file.path
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try file.text.write(toFile: path, atomically: true, encoding: .utf8)
            print("wrote \(path)")
        }
    }
}
