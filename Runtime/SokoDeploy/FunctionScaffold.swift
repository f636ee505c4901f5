import Foundation
import SokoManifest

/// What `soko new function` writes: the handler, its test, the manifest entry, the OpenAPI stub and
/// the registration line, into a repository checked out at `root`.
public struct FunctionScaffold {
    public var name: String
    public var service: String
    public var route: HTTPRoute
    public var auth: AuthPolicy
    public var timeout: String

    /// The handler's type: the name with its first letter upper-cased (`addToCart` → `AddToCart`).
    public var typeName: String { name.prefix(1).uppercased() + name.dropFirst() }

    /// Validates the request; every refusal is one line.
    public init(name: String, service: String, http: String, auth: String, timeout: String) throws {
        guard name.range(of: "^[a-z][A-Za-z0-9]{0,62}$", options: .regularExpression) != nil else {
            throw ScaffoldError("\(name) is not a function name: lower camel case, letters and digits (addItem)")
        }
        guard let route = HTTPRouteParser.parse(http) else {
            throw ScaffoldError("\(http) is not a route: METHOD /path, methods \(HTTPRouteParser.methods.joined(separator: " "))")
        }
        guard let policy = AuthPolicy(rawValue: auth), policy != .client else {
            throw ScaffoldError("--auth must be one of public, customer, guest, admin, service, webhook, not \(auth)")
        }
        guard timeout.range(of: "^[1-9][0-9]{0,3}(ms|s|m)$", options: .regularExpression) != nil else {
            throw ScaffoldError("--timeout takes a duration such as 500ms, 5s or 1m, not \(timeout)")
        }
        (self.name, self.service, self.route, self.auth, self.timeout) = (name, service, route, policy, timeout)
    }

    /// Writes every file under `root`, refusing before it writes anything.
    /// - Returns: the paths written, relative to `root`.
    public func write(root: String) throws -> [String] {
        let manifestPath = "manifests/functions/\(service).yaml"
        guard let manifestText = try? String(contentsOfFile: root + "/" + manifestPath, encoding: .utf8) else {
            throw ScaffoldError("no manifest for service \(service) at \(manifestPath)")
        }
        let manifests = try ManifestLoader.load(directory: root + "/manifests/functions")
        for manifest in manifests {
            if manifest.service == service, manifest.functions.contains(where: { $0.name == name }) {
                throw ScaffoldError("\(manifestPath) already has a function named \(name)")
            }
            for function in manifest.functions {
                guard case .http(let routes) = function.trigger else { continue }
                if routes.contains(where: { RouteShape($0) == RouteShape(route) }) {
                    throw ScaffoldError("\(route.method) \(route.path) is already \(function.name)'s route (\(manifest.file))")
                }
            }
        }
        let bundleFolder = try folder(under: root + "/Functions")
        let bundleFile = try registrationFile(in: root + "/Functions/" + bundleFolder)
        let handlerPath = "Functions/\(bundleFolder)/\(typeName).swift"
        let testPath = "Tests/\(bundleFolder)Tests/\(typeName)Tests.swift"
        for path in [handlerPath, testPath] where FileManager.default.fileExists(atPath: root + "/" + path) {
            throw ScaffoldError("\(path) already exists")
        }
        let bundleText = try String(contentsOfFile: root + "/" + bundleFile, encoding: .utf8)
        let bundleType = bundleText.firstMatch(of: /enum (\w+): FunctionBundle/).map { String($0.1) } ?? "\(bundleFolder)Bundle"
        let openAPIText = try String(contentsOfFile: root + "/openapi.yaml", encoding: .utf8)

        let files: [(String, String)] = [
            (handlerPath, handler()),
            (testPath, test(bundleFolder: bundleFolder, bundleType: bundleType)),
            (manifestPath, try ScaffoldText.insert(manifestEntry(), intoSection: "functions", of: manifestText)),
            (bundleFile, try ScaffoldText.register("registry.add(\(typeName).self)", in: bundleText)),
            ("openapi.yaml", try ScaffoldText.addOperation(openAPIOperation(), path: route.path, to: openAPIText)),
        ]
        try FileManager.default.createDirectory(
            atPath: root + "/" + (testPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        for (path, text) in files { try text.write(toFile: root + "/" + path, atomically: true, encoding: .utf8) }
        return files.map(\.0)
    }

    var takesBody: Bool { ["POST", "PUT", "PATCH"].contains(route.method) }

    func folder(under functions: String) throws -> String {
        let folders = (try? FileManager.default.contentsOfDirectory(atPath: functions)) ?? []
        guard let folder = folders.first(where: { $0.lowercased() == service.lowercased() }) else {
            throw ScaffoldError("no bundle folder for service \(service) under Functions/")
        }
        return folder
    }

    func registrationFile(in folder: String) throws -> String {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
        for file in files where file.hasSuffix(".swift") {
            let text = (try? String(contentsOfFile: folder + "/" + file, encoding: .utf8)) ?? ""
            if text.contains("register(_ registry: inout FunctionRegistry)") {
                return "Functions/" + (folder as NSString).lastPathComponent + "/" + file
            }
        }
        throw ScaffoldError("no file in \(folder) has `register(_ registry: inout FunctionRegistry)`")
    }
}

/// `soko new function` refuses: one line saying why.
public struct ScaffoldError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
