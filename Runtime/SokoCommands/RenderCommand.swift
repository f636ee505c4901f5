import ArgumentParser
import Foundation
import SokoDeploy
import SokoManifest

struct Render<Values: DeploymentValueOptions>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "render",
            abstract: "Generate deployment files from the function manifests (committed; CI fails when they are stale).",
            subcommands: [RenderNginx.self, RenderCompose<Values>.self, RenderKubernetes<Values>.self])
    }
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
        help:
            "Replace every manifest's gateway allowlist (gateway: { allow }): addresses or networks, comma-separated; 'off' for none (a development stand-in calls back from anywhere); default the manifests'."
    )
    var allowlist: String?

    @Option(help: "nginx's pid file.")
    var pidFile = "/tmp/soko-gateway.pid"

    @Option(
        name: .customLong("env"),
        help: "production (no development-only service's routes, HSTS) or development (every service).")
    var environment = "production"

    @Option(help: "Terminate TLS with this PEM certificate chain (with --tls-key); the plain listener then redirects.")
    var tlsCertificate: String?

    @Option(help: "The certificate's PEM private key.")
    var tlsKey: String?

    @Option(help: "The TLS listener's address or port.")
    var tlsListen = "8443"

    @Option(help: "The HTTPS port clients use, for the redirect.")
    var httpsPort = 443

    @Option(help: "Proxies in front whose X-Forwarded-For names the client (addresses or CIDR, comma-separated).")
    var realIPFrom: String?

    func run() async throws {
        guard ["production", "development"].contains(environment) else {
            throw ValidationError("--env must be production or development, not \(environment)")
        }
        guard (tlsCertificate == nil) == (tlsKey == nil) else {
            throw ValidationError("--tls-certificate and --tls-key go together")
        }
        let tls = tlsCertificate.map {
            NginxGateway.TLS(listen: tlsListen, certificate: $0, key: tlsKey!, publicPort: httpsPort)
        }
        var upstreams: [String: String] = [:]
        for entry in upstream {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ValidationError("--upstream takes unit=host:port, not \(entry)")
            }
            upstreams[parts[0]] = parts[1]
        }
        let override: [String]? =
            switch allowlist {
            case nil: nil
            case "off": []
            case let list?: list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            }
        let loaded = try RenderFiles.load(manifests)
        let text = try NginxGateway(
            manifests: loaded,
            options: .init(
                listen: listen, upstreams: upstreams, allowlistOverride: override, pidFile: pidFile, environment: environment,
                tls: tls,
                realIPFrom: (realIPFrom ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
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

struct RenderCompose<Values: DeploymentValueOptions>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "compose",
            abstract:
                "Write docker/compose.yaml (production: TLS at the gateway, Consul ACLs, only the gateway published) and its files.",
            discussion: """
                With the shop's values (--values shop.yaml or the flags) it also writes docker/shop.env, which every \
                unit reads; compose refuses to start without it, and the hosts refuse to start without live settings.
                """)
    }

    @Option(help: "Folder of <service>.yaml manifests.")
    var manifests = "manifests/functions"

    @Option(help: "The docker/ folder to write into.")
    var output = "docker"

    @OptionGroup var application: Values

    func run() async throws {
        let values = try application.values()
        try RenderFiles.write(
            try ComposeStack(manifests: try RenderFiles.load(manifests), values: values).render(), under: output)
        if values == nil { print(RenderFiles.reminder("docker/shop.env")) }
    }
}

struct RenderKubernetes<Values: DeploymentValueOptions>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "k8s", abstract: "Write manifests/k8s/ (kustomize base, overlays dev, prod and keda).",
            discussion: """
                The prod and keda overlays need the shop's values (--values shop.yaml or the flags): with them the \
                render writes overlays/prod/shop.env and overlays/prod/ingress.yaml; without them those overlays \
                do not build, so nothing deploys with placeholders.
                """)
    }

    @Option(help: "Folder of <service>.yaml manifests.")
    var manifests = "manifests/functions"

    @Option(help: "The folder to write into.")
    var output = "manifests/k8s"

    @OptionGroup var application: Values

    func run() async throws {
        let loaded = try RenderFiles.load(manifests)
        let values = try application.values()
        try RenderFiles.write(try KubernetesManifests(manifests: loaded, values: values).render(), under: output)
        if values == nil { print(RenderFiles.reminder("overlays/prod/shop.env and overlays/prod/ingress.yaml")) }
    }
}

/// The options that give a production render an application's values (`--values FILE` and the
/// like): the application's executable names its own type in ``SokoCommandLine``.
public protocol DeploymentValueOptions: ParsableArguments {
    /// The validated values, or nil when the render writes the templates alone (the render then
    /// leaves the application's files out); throws a `ValidationError` naming what is wrong.
    func values() throws -> (any DeploymentValues)?
}

/// For an application with no production values: the render writes the templates alone.
public struct TemplatesOnly: DeploymentValueOptions {
    @Flag(help: "Write the templates (as this repository commits them); the only render without values.")
    var template = false

    public init() {}

    public func values() throws -> (any DeploymentValues)? { nil }
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

    static func reminder(_ files: String) -> String {
        "note: templates only; a render with the shop's values (--values shop.yaml) writes \(files)"
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
