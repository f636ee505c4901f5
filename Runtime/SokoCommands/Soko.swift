import ArgumentParser
import Logging
import SokoDeploy
import SokoFunctions
import SokoHost
import SokoManifest

/// The `soko` command line for one set of bundles: `serve`, `check-config`, `routes`, `migrate`,
/// `events`, `render`, `new` and `health`, plus the application's own commands. The runtime names
/// no bundle; an application's executable names its bundles once and runs this:
///
/// ```swift
/// // main.swift of the application's executable target (its product is the `soko` binary)
/// await SokoCommandLine(
///     bundles: [ExamplesBundle.self, InventoryBundle.self], commands: [Restock.self], values: InventoryValues.self
/// ).main()
/// ```
public struct SokoCommandLine: Sendable {
    /// Every bundle compiled into the binary: served, routed and checked against the manifests.
    public let bundles: [any FunctionBundle.Type]
    /// The application's own subcommands, listed after the runtime's.
    public let commands: [any AsyncParsableCommand.Type]
    /// `render`, with the application's production values (`render compose|k8s --values …`).
    let render: any AsyncParsableCommand.Type

    /// The command line serving `bundles`, with the application's `commands` and production values.
    /// - Parameter values: the options that give `render compose|k8s` the application's production
    ///   values; by default there are none, and those renders write the templates alone.
    public init<Values: DeploymentValueOptions>(
        bundles: [any FunctionBundle.Type], commands: [any AsyncParsableCommand.Type] = [],
        values: Values.Type = TemplatesOnly.self
    ) {
        self.bundles = bundles
        self.commands = commands
        render = Render<Values>.self
    }

    /// Parses the process's arguments, runs the command and exits.
    public func main() async {
        await Self.$current.withValue(self) { await Soko.main() }
    }

    /// The command line being run (its bundles, for the commands that build a host).
    @TaskLocal static var current = SokoCommandLine(bundles: [])
}

/// The root command: the runtime's subcommands, then the application's.
struct Soko: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "soko",
            abstract: "Soko's function host: serves per-route handlers from function manifests.",
            subcommands: [
                Serve.self, CheckConfig.self, Routes.self, Migrate.self, EventsCommand.self, SokoCommandLine.current.render,
                New.self,
                Health.self,
            ] + SokoCommandLine.current.commands)
    }
}

/// Options shared by the commands that load manifests.
struct ManifestOptions: ParsableArguments {
    @Option(help: "Folder of <service>.yaml manifests (env SOKO_MANIFESTS; default manifests/functions).")
    var manifests: String?

    @Option(help: "Serve only this service (env SOKO_SERVICE).")
    var service: String?

    @Option(help: "Serve only this function, as name or service.name (env SOKO_FUNCTION).")
    var function: String?

    @Option(help: "Serve only this deployment unit: a service's functions deployed with it, or service-function (env SOKO_UNIT).")
    var unit: String?

    @Option(
        name: .customLong("env"),
        help:
            "production (nothing falls back to development stand-ins, defaults or localhost) or development (env SOKO_ENV; default development)."
    )
    var mode: String?

    /// The environment's configuration with these flags on top.
    func configuration() throws -> HostConfiguration {
        var configuration = try HostConfiguration.fromEnvironment(Environment.variables)
        if let manifests { configuration.manifestsDirectory = manifests }
        if let service { configuration.service = service }
        if let function { configuration.function = function }
        if let unit { configuration.unit = unit }
        if let mode {
            guard let chosen = RunMode(rawValue: mode) else {
                throw ValidationError("--env must be production or development, not \(mode)")
            }
            configuration.mode = chosen
        }
        return configuration
    }

    func host(_ configuration: HostConfiguration) throws -> FunctionHost {
        let manifests = try ManifestLoader.load(directory: configuration.manifestsDirectory)
        return try FunctionHost(manifests: manifests, bundles: SokoCommandLine.current.bundles, configuration: configuration)
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the functions over HTTP until SIGTERM/SIGINT, then drain.")

    @Option(help: "Address to bind (env SOKO_HOST; default 0.0.0.0).")
    var host: String?

    @Option(help: "Port to bind, 0 for any free one (env SOKO_PORT; default 8080).")
    var port: Int?

    @Option(help: "Event loops, one per core by default (env SOKO_LOOPS).")
    var loops: Int?

    @Flag(help: "Print the configuration the host would run with (secrets masked) and exit: 0 when it would start.")
    var check = false

    @OptionGroup var options: ManifestOptions

    func run() async throws {
        LoggingSystem.bootstrap { JSONLogHandler(label: $0) }
        try await StartupFailure.reporting {
            var configuration = try options.configuration()
            if let host { configuration.server.host = host }
            if let port {
                guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535") }
                configuration.server.port = port
            }
            if let loops {
                guard (1...256).contains(loops) else { throw ValidationError("--loops must be 1...256") }
                configuration.loops = loops
            }
            if configuration.mode == .development, configuration.environment["SOKO_PUBLIC_URL"] == nil,
                configuration.server.port != 0
            {
                // Where outside services call back (a payment gateway's callbacks, say): this
                // process, unless a gateway in front says otherwise.
                let host = ["0.0.0.0", "::", ""].contains(configuration.server.host) ? "127.0.0.1" : configuration.server.host
                configuration.environment["SOKO_PUBLIC_URL"] = "http://\(host):\(configuration.server.port)"
            }
            if check {
                try CheckConfig.report(try options.host(configuration))
                return
            }
            let closedCleanly = try await options.host(configuration).run()
            if !closedCleanly { throw ExitCode(1) }
        }
    }
}

struct CheckConfig: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract:
            "Print what the host would run with (mode, units, store, URLs, every bundle's settings; secrets masked) and exit.",
        discussion:
            "Exits 0 when `soko serve` would start with this configuration, else prints the one line it would refuse with.")

    @OptionGroup var options: ManifestOptions

    func run() async throws {
        try await StartupFailure.reporting {
            try Self.report(try options.host(try options.configuration()))
        }
    }

    static func report(_ host: FunctionHost) throws {
        for line in ConfigurationReport.lines(for: host) { print(line) }
        print("ok: the host would start")
    }
}

struct Routes: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the route table: method, path, function, service, auth.",
        discussion: """
            With --check, print nothing but disagreements and exit 1 on any: a manifest function without a \
            registered handler, a handler no manifest names, an OpenAPI operation that is no manifest route or \
            whose operationId is not the function's name, a manifest route (not auth: service, not /_…) with no \
            OpenAPI operation.
            """)

    @OptionGroup var options: ManifestOptions

    @Flag(help: "Check that the manifests, the compiled bundles' handlers and the OpenAPI document agree.")
    var check = false

    @Option(help: "The OpenAPI document, for --check.")
    var openapi = "openapi.yaml"

    func run() async throws {
        if check {
            let lines = try Self.disagreements(manifests: try options.configuration().manifestsDirectory, openAPI: openapi)
            for line in lines { print(line) }
            if !lines.isEmpty { throw ExitCode(1) }
            print("ok: manifests, handlers and \(openapi) agree")
            return
        }
        try await StartupFailure.reporting {
            let host = try options.host(try options.configuration())
            let rows = host.routes.map { [$0.method, $0.path, $0.function, $0.service, $0.auth] }
            print(Table.render(header: ["METHOD", "PATH", "FUNCTION", "SERVICE", "AUTH"], rows: rows))
        }
    }
}

extension Routes {
    /// What `--check` prints: every disagreement between the manifests in `directory`, the compiled
    /// bundles (registered as in development, with no settings) and the OpenAPI document.
    static func disagreements(manifests directory: String, openAPI path: String) throws -> [String] {
        let manifests = try RenderFiles.load(directory)
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ValidationError("cannot read \(path)")
        }
        let compute = ComputePool(threads: 1)
        defer { compute.shutdown() }
        var registered: [String: Set<String>] = [:]
        var refusals: [String] = []
        for bundle in SokoCommandLine.current.bundles {
            let registry = bundle.registry(environment: [:], compute: compute)
            registered[bundle.service] = Set(registry.handlers.keys)
            refusals += registry.refusals.map { "\(bundle.service) bundle refuses to register: \($0)" }
        }
        do {
            return refusals + (try RouteAgreement.disagreements(manifests: manifests, registered: registered, openAPI: text))
        } catch {
            throw ValidationError("\(path): \(error)")
        }
    }
}

/// A startup refusal: ArgumentParser prints it as one `Error: …` line on standard error and exits 1.
public struct StartupFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }

    /// Runs `body`, turning refusals (a manifest, the selection, the environment) into one line.
    public static func reporting(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as ManifestError {
            throw StartupFailure(error.description)
        } catch let error as HostSetupError {
            throw StartupFailure(error.description)
        } catch let error as ConfigurationError {
            throw StartupFailure(error.description)
        }
    }
}

enum Table {
    static func render(header: [String], rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply pending migrations to the selected services' stores and exit (safe while serving).")

    @OptionGroup var options: ManifestOptions

    func run() async throws {
        try await StartupFailure.reporting {
            let host = try options.host(try options.configuration())
            do {
                let stores = try await host.openStores()
                for (service, report) in stores.reports.sorted(by: { $0.key < $1.key }) {
                    print(
                        "\(service): version \(report.from) → \(report.current)"
                            + (report.applied.isEmpty
                                ? " (up to date)" : " (applied \(report.applied.map(String.init).joined(separator: ", ")))"))
                }
                if stores.reports.isEmpty { print("no selected service keeps data") }
                await stores.close()
            } catch let error as StoreError {
                throw StartupFailure(error.description)
            }
        }
    }
}
