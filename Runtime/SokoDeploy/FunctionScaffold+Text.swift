import Foundation
import SokoManifest

/// The texts `soko new function` writes.
extension FunctionScaffold {
    func handler() -> String {
        switch trigger {
        case .http(let route): httpHandler(route)
        case .event(let event):
            """
            import SokoFunctions

            /// `\(name)` — on `\(event)`: say what it does. Delivery is at least once: record the event
            /// with `context.once(event) { transaction in … }` so a redelivery changes nothing.
            enum \(typeName): EventFunction {
                /// The fields of `\(event)` this consumer reads (other keys are ignored).
                struct Payload: Codable, Sendable {}

                static func run(_ event: Event<Payload>, context: FunctionContext) async throws {
                    context.logger.info("\(name) is not written yet", metadata: ["event_id": "\\(event.id)"])
                }
            }

            """
        case .schedule(let schedule):
            """
            import SokoFunctions

            /// `\(name)` — `\(schedule)`, one replica per tick: say what it does. Read the time from
            /// `context.now`, so a test can set it.
            enum \(typeName): Function {
                static func run(_: NoInput = NoInput(), context: FunctionContext) async throws {
                    context.logger.info("\(name) is not written yet")
                }
            }

            """
        }
    }

    func httpHandler(_ route: HTTPRoute) -> String {
        let takesBody = Self.takesBody(route)
        let input =
            takesBody
            ? """
            /// What the request body carries (JSON; a missing or mistyped field is 422).
            struct Input: Decodable, Sendable {}

            """ : ""
        let signature = takesBody ? "_ input: Input" : "_: NoInput = NoInput()"
        return """
            import SokoFunctions

            /// `\(route.method) \(route.path)` (\(auth.rawValue)) → `{message}`. Say what it does, what it
            /// answers and which problems it throws.
            enum \(typeName): Function {
            \(input.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "    " + $0 }.joined(separator: "\n"))    struct Output: Encodable, Sendable {
                    var message: String
                }

                static func run(\(signature), context: FunctionContext) async throws -> Output {
                    Output(message: "\(name) is not written yet")
                }
            }

            """
    }

    func test(bundleFolder: String, bundleType: String) -> String {
        switch trigger {
        case .http(let route): httpTest(route, bundleFolder: bundleFolder, bundleType: bundleType)
        case .event(let event):
            registryTest(
                bundleFolder: bundleFolder, bundleType: bundleType, test: "runsOnTheEvent", method: "POST",
                body: #"{"id":"evt-1","name":"\#(event)","source":"test","occurred_at":"2026-01-01T00:00:00.000Z","payload":{}}"#)
        case .schedule:
            registryTest(
                bundleFolder: bundleFolder, bundleType: bundleType, test: "runsOnItsSchedule", method: "SCHEDULE", body: nil)
        }
    }

    func httpTest(_ route: HTTPRoute, bundleFolder: String, bundleType: String) -> String {
        let target = route.path.replacing(/\{[^}]+\}/, with: "x")
        let call =
            Self.takesBody(route)
            ? "try await host.request(\"\(route.method)\", \"\(target)\", json: [String: String]())"
            : "await host.request(\"\(route.method)\", \"\(target)\")"
        let expectations =
            auth == .public || auth == .webhook || auth == .guest
            ? """
                    #expect(response.status == 200)
                    #expect(try response.json([String: String].self) == ["message": "\(name) is not written yet"])
            """
            : """
                    // `auth: \(auth.rawValue)`: without a token the host answers 401 before the handler runs.
                    // Sign in through the bundle's test harness to reach the stub's answer.
                    #expect(response.status == 401)
            """
        return """
            import Foundation
            import SokoTesting
            import Testing

            @testable import \(bundleFolder)

            @Suite("\(name)")
            struct \(typeName)Tests {
                static var manifest: String {
                    get throws {
                        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                            .deletingLastPathComponent().path
                        return try String(contentsOfFile: repository + "/manifests/functions/\(service).yaml", encoding: .utf8)
                    }
                }

                @Test func answersWithTheStub() async throws {
                    let host = try await TestHost(bundles: [\(bundleType).self], manifests: ["\(service).yaml": try Self.manifest])
                    let response = \(call)
            \(expectations)
                    #expect(await host.shutdown())
                }
            }

            """
    }

    /// A test that finds the function among the bundle's registered handlers and calls it as the
    /// host's relay or scheduler would (204).
    func registryTest(bundleFolder: String, bundleType: String, test: String, method: String, body: String?) -> String {
        let request =
            body.map { "FunctionRequest(method: \"\(method)\", path: \"/\", body: Array(#\"\($0)\"#.utf8))" }
            ?? "FunctionRequest(method: \"\(method)\", path: \"/\")"
        return """
            import SokoFunctions
            import Testing

            @testable import \(bundleFolder)

            @Suite("\(name)")
            struct \(typeName)Tests {
                @Test func \(test)() async throws {
                    let compute = ComputePool(threads: 1)
                    defer { compute.shutdown() }
                    let handler = try #require(\(bundleType).registry(compute: compute).handlers["\(name)"])
                    let request = \(request)
                    let context = FunctionContext(
                        requestID: "test", deadline: .now + .seconds(5), service: "\(service)", function: "\(name)",
                        request: request, logger: Logger(label: "\(name)-test"))
                    #expect(try await handler(request, context: context).status == 204)
                }
            }

            """
    }

    func manifestEntry() -> String {
        switch trigger {
        case .http(let route):
            """
              \(name):
                http: \(route.method) \(route.path)
                auth: \(auth.rawValue)
                timeout: \(timeout)

            """
        case .event(let event):
            """
              \(name):
                event: \(event)
                timeout: \(timeout)

            """
        case .schedule(let schedule):
            """
              \(name):
                schedule: \(schedule.contains("*") ? "\"\(schedule)\"" : schedule)
                timeout: \(timeout)

            """
        }
    }

    func openAPIOperation(_ route: HTTPRoute) -> String {
        let parameters = route.segments.compactMap { if case .parameter(let name) = $0 { name } else { nil } }
        var lines = [
            "    \(route.method.lowercased()):",
            "      operationId: \(name)",
            "      summary: \(name) (written by soko new function; describe it).",
            "      tags: [\(service)]",
        ]
        switch auth {
        case .customer, .admin: lines.append("      security: [{ bearer: [] }]")
        case .guest: lines.append("      security: [{}, { bearer: [] }]")
        case .service: lines.append("      security: [{ serviceToken: [] }]")
        default: break
        }
        if !parameters.isEmpty {
            lines.append("      parameters:")
            for parameter in parameters {
                lines.append("        - { name: \(parameter), in: path, required: true, schema: { type: string } }")
            }
        }
        if Self.takesBody(route) {
            lines += [
                "      requestBody:", "        required: true", "        content:", "          application/json:",
                "            schema: { type: object }",
            ]
        }
        lines += [
            "      responses:", "        \"200\":", "          description: The stub's answer.", "          content:",
            "            application/json:",
            "              schema: { type: object, required: [message], properties: { message: { type: string } } }",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    static func takesBody(_ route: HTTPRoute) -> Bool { ["POST", "PUT", "PATCH"].contains(route.method) }
}

/// Line edits that keep a file's own format.
enum ScaffoldText {
    /// Inserts `block` at the end of the top-level `section:` (before the next top-level key).
    static func insert(_ block: String, intoSection section: String, of text: String) throws -> String {
        var lines = text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        guard let start = lines.firstIndex(where: { $0.hasPrefix(section + ":") }) else {
            throw ScaffoldError("no top-level \(section): key")
        }
        var end = lines.count
        for index in (start + 1)..<lines.count where isTopLevelKey(lines[index]) {
            end = index
            break
        }
        // Leave comments and blank lines that precede the next key with it.
        while end > start + 1, lines[end - 1].trimmingCharacters(in: .whitespaces).isEmpty || lines[end - 1].hasPrefix("#") {
            end -= 1
        }
        var blockLines = block.components(separatedBy: "\n")
        if blockLines.last == "" { blockLines.removeLast() }
        lines.insert(contentsOf: blockLines, at: end)
        return lines.joined(separator: "\n") + "\n"
    }

    /// Adds an operation under `path` in `paths:`, beside the path's others when it has some.
    static func addOperation(_ operation: String, path: String, to text: String) throws -> String {
        var lines = text.components(separatedBy: "\n")
        if let existing = lines.firstIndex(of: "  \(path):") {
            var operationLines = operation.components(separatedBy: "\n")
            if operationLines.last == "" { operationLines.removeLast() }
            lines.insert(contentsOf: operationLines, at: existing + 1)
            return lines.joined(separator: "\n")
        }
        return try insert("  \(path):\n" + operation, intoSection: "paths", of: text)
    }

    /// Adds `line` as the last statement of `register(_:)`.
    static func register(_ line: String, in text: String) throws -> String {
        var lines = text.components(separatedBy: "\n")
        guard let start = lines.firstIndex(where: { $0.contains("func register(_ registry: inout FunctionRegistry)") }) else {
            throw ScaffoldError("no register(_ registry: inout FunctionRegistry)")
        }
        let indent = String(lines[start].prefix { $0 == " " })
        guard let end = lines[(start + 1)...].firstIndex(of: indent + "}") else {
            throw ScaffoldError("cannot find the end of register(_:)")
        }
        lines.insert(indent + "    " + line, at: end)
        return lines.joined(separator: "\n")
    }

    static func isTopLevelKey(_ line: String) -> Bool {
        guard let first = line.first else { return false }
        return first != " " && first != "#" && first != "-" && line.contains(":")
    }
}
