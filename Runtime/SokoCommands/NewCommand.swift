import ArgumentParser
import Foundation
import SokoDeploy

struct New: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start something new in this repository.", subcommands: [NewFunction.self])
}

struct NewFunction: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "function",
        abstract:
            "Write a function's handler, its test, manifest entry, OpenAPI stub and registration line; re-render the gateway.",
        discussion:
            "Run from the repository's root. Refuses, with one line and before writing anything, a bad name, route or policy, or a name or route already taken."
    )

    @Argument(help: "The function's name, lower camel case (addItem).")
    var name: String

    @Option(help: "The service (its bundle folder under Functions/, its manifest under manifests/functions/).")
    var service: String

    @Option(help: "The route: 'METHOD /path/{param}'.")
    var http: String

    @Option(help: "public | customer | guest | admin | service | webhook.")
    var auth = "customer"

    @Option(help: "The manifest timeout.")
    var timeout = "5s"

    @Option(help: "The repository's root.")
    var root = "."

    func run() async throws {
        do {
            let scaffold = try FunctionScaffold(name: name, service: service, http: http, auth: auth, timeout: timeout)
            for path in try scaffold.write(root: root) { print("wrote \(path)") }
        } catch let error as ScaffoldError {
            throw ValidationError(error.description)
        }
        // The files generated from the routes, exactly as the repository commits them.
        let manifests = root + "/manifests/functions"
        var nginx = try RenderNginx.parse(["--manifests", manifests, "--output", root + "/gateway/nginx.conf"])
        try await nginx.run()
        var compose = try RenderCompose<TemplatesOnly>.parse([
            "--manifests", manifests, "--output", root + "/docker", "--template",
        ])
        try await compose.run()
        var kubernetes = try RenderKubernetes<TemplatesOnly>.parse([
            "--manifests", manifests, "--output", root + "/manifests/k8s", "--template",
        ])
        try await kubernetes.run()
    }
}
