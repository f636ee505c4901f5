import Foundation
import Logging
import SokoFunctions
import SokoManifest
import SokoOutbound
import Synchronization

/// Function invocation and event delivery between services.
///
/// A callee loaded in this process is called directly (no socket, no token: the caller is a
/// service of the same process). Any other callee is reached over HTTP at the base URL of its
/// deployment unit — its service, or `<service>-<function>` for a function deployed on its own —
/// from `SOKO_SERVICE_URL_<UNIT>` or else Consul, with a client-credentials token, a timeout equal to the
/// caller's time left, and — for idempotent calls only — retries with backoff on transport
/// failures and 502/503/504.
final class HostInvoker: FunctionInvoker, @unchecked Sendable {
    /// A function some manifest declares, wherever it runs.
    struct Target: Sendable {
        var service: String
        var function: String
        /// The deployment unit that serves it remotely (its service, or its own when `deploy: function`).
        var unit: String
        var route: HTTPRoute?
        var timeout: Duration
    }

    private let local: [String: FunctionRuntime]
    private let targets: [String: Target]
    private let directory: ServiceDirectory
    private let client: BlockingHTTPClient
    private let tokens: ServiceTokens
    private let consul: Consul?
    /// The handler's stores and runtime, read when a local call runs (set before serving).
    unowned let handler: HostRequestHandler
    private let logger = Logger(label: "soko.invoke")

    init(
        manifests: [ServiceManifest], functions: [FunctionRuntime], handler: HostRequestHandler,
        directory: ServiceDirectory, client: BlockingHTTPClient, consul: Consul? = nil
    ) {
        self.consul = consul
        local = Dictionary(functions.map { ("\($0.service).\($0.name)", $0) }, uniquingKeysWith: { first, _ in first })
        var targets: [String: Target] = [:]
        for manifest in manifests {
            for function in manifest.functions {
                var route: HTTPRoute?
                if case .http(let routes) = function.trigger { route = routes.first }
                targets["\(manifest.service).\(function.name)"] = Target(
                    service: manifest.service, function: function.name, unit: manifest.unitName(of: function), route: route,
                    timeout: function.timeout)
            }
        }
        self.targets = targets
        self.handler = handler
        self.directory = directory
        self.client = client
        tokens = ServiceTokens(
            directory: directory, client: client, consul: consul, identity: IdentityEndpoints.find(in: manifests))
    }

    func invoke(
        service: String, function: String, body: [UInt8], idempotent: Bool, caller: FunctionContext
    ) async throws -> FunctionResponse {
        let key = "\(service).\(function)"
        if let runtime = local[key] {
            let route = targets[key]?.route
            let request = FunctionRequest(
                method: route?.method ?? "POST", path: route?.path ?? "/", headers: Self.jsonHeaders(caller.requestID),
                body: body)
            return try await call(runtime, request, caller: caller, requestID: caller.requestID, deadline: caller.deadline)
        }
        guard let target = targets[key] else {
            throw InvocationError(
                service: service, function: function,
                problem: Problem(status: 500, code: "unknown-function", detail: "no manifest declares \(key)"))
        }
        guard let route = target.route, !route.segments.contains(where: { if case .parameter = $0 { true } else { false } })
        else {
            throw InvocationError(
                service: service, function: function,
                problem: Problem(
                    status: 500, code: "not-invocable", detail: "\(key) has no fixed HTTP route to be called remotely"))
        }
        return try await remote(
            service: service, function: function, unit: target.unit, method: route.method, path: route.path, body: body,
            idempotent: idempotent, requestID: caller.requestID, deadline: caller.deadline)
    }

    /// Delivers an event envelope to `consumer` (`service.function`): in-process when loaded here,
    /// else `POST /_soko/events/<service>/<function>` on its service. Returns the status.
    func deliver(envelope: [UInt8], to consumer: String, requestID: String, timeout: Duration) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        if let runtime = local[consumer] {
            let request = FunctionRequest(
                method: "POST", path: EventRoutes.path(runtime.service, runtime.name), headers: Self.jsonHeaders(requestID),
                body: envelope)
            let relayContext = FunctionContext(
                requestID: requestID, deadline: deadline, service: "soko", function: "relay",
                request: FunctionRequest(method: "EVENT", path: "/"), logger: logger)
            return try await call(runtime, request, caller: relayContext, requestID: requestID, deadline: deadline).status
        }
        let parts = consumer.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { throw InvocationFailure.unknownConsumer(consumer) }
        let response = try await remote(
            service: parts[0], function: parts[1], unit: targets[consumer]?.unit ?? parts[0], method: "POST",
            path: EventRoutes.path(parts[0], parts[1]),
            body: envelope, idempotent: false, requestID: requestID, deadline: deadline)
        return response.status
    }

    /// Runs a loaded function's handler with a service identity and the nearer of the caller's
    /// deadline and the callee's own timeout. Errors the handler throws become its problem response,
    /// as they would over HTTP.
    private func call(
        _ runtime: FunctionRuntime, _ request: FunctionRequest, caller: FunctionContext, requestID: String,
        deadline callerDeadline: ContinuousClock.Instant
    ) async throws -> FunctionResponse {
        let deadline = min(callerDeadline, .now + runtime.manifest.timeout)
        let context = FunctionContext(
            requestID: requestID, deadline: deadline,
            identity: CallerIdentity(subject: caller.service, clientID: caller.service, roles: ["service"], isService: true),
            service: runtime.service, function: runtime.name, request: request, store: handler.store(for: runtime),
            invoker: self, outgoing: handler.outgoing, mailer: handler.mailer, logger: runtime.logger)
        do {
            return try await runtime.handler(request, context: context)
        } catch let error as ProblemConvertible {
            return try FunctionResponse.json(error.problem, status: error.problem.status)
        } catch {
            runtime.logger.error("invoked function failed", metadata: ["error": "\(error)", "request_id": "\(requestID)"])
            return try FunctionResponse.json(
                Problem(status: 500, code: "internal-error", detail: "the function failed"), status: 500)
        }
    }

    /// One call over HTTP to an instance of `unit` (`SOKO_SERVICE_URL_<UNIT>`, else Consul), retried
    /// (idempotent calls only) while the deadline allows.
    private func remote(
        service: String, function: String, unit: String, method: String, path: String, body: [UInt8], idempotent: Bool,
        requestID: String, deadline: ContinuousClock.Instant
    ) async throws -> FunctionResponse {
        // The unit's URL; for a function on its own, else its service's (a process per service
        // serves all of the service's functions); else Consul.
        var configured = directory.url(of: unit) ?? directory.url(of: service)
        if configured == nil, let consul { configured = await consul.resolve(unit) }
        guard let base = configured else {
            throw InvocationError(
                service: service, function: function,
                problem: Problem(
                    status: 503, code: "service-unreachable",
                    detail:
                        "\(service).\(function) is not served by this process and \(ServiceDirectory.variable(unit)) is not set"
                        + (unit == service ? "" : " (nor \(ServiceDirectory.variable(service)))")))
        }
        var attempt = 0
        var refreshedToken = false
        while true {
            attempt += 1
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .milliseconds(1) else {
                throw InvocationError(
                    service: service, function: function,
                    problem: Problem(
                        status: 504, code: "deadline-exceeded", detail: "no time left to call \(service).\(function)"))
            }
            let outcome: Result<BlockingHTTPClient.Response, Error>
            do {
                let token = try await tokens.token(requestID: requestID, handler: handler)
                var headers = [("Content-Type", "application/json"), ("Authorization", "Bearer \(token)")]
                headers.append(("X-Request-ID", requestID))
                outcome = .success(try await client.send(method, base + path, headers: headers, body: body, timeout: left))
            } catch {
                outcome = .failure(error)
            }
            switch outcome {
            case .success(let response) where response.status == 401 && !refreshedToken:
                // The token expired or its key rotated: the callee refused before running anything.
                refreshedToken = true
                tokens.forget()
                continue
            case .success(let response) where !(idempotent && [502, 503, 504].contains(response.status)) || attempt >= 3:
                var headers = HTTPHeaders()
                headers.add("Content-Type", "application/json")
                return FunctionResponse(status: response.status, headers: headers, body: response.body)
            case .failure(let error) where !idempotent || attempt >= 3 || error is InvocationFailure:
                if let invocation = error as? InvocationError { throw invocation }
                throw InvocationError(
                    service: service, function: function,
                    problem: Problem(status: 502, code: "service-unreachable", detail: "\(service).\(function): \(error)"))
            default:
                // Retry: exponential backoff with jitter, inside the deadline.
                let pause = Duration.milliseconds(Int.random(in: 25...50) << (attempt - 1))
                logger.warning(
                    "retrying invocation",
                    metadata: ["callee": "\(service).\(function)", "attempt": "\(attempt)", "request_id": "\(requestID)"])
                try await Task.sleep(for: pause)
            }
        }
    }

    static func jsonHeaders(_ requestID: String) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add("Content-Type", "application/json")
        headers.add("X-Request-ID", requestID)
        return headers
    }
}

/// The paths on which a host accepts events for its `event:` functions from another process's relay.
enum EventRoutes {
    static let prefix = "/_soko/events/"

    static func path(_ service: String, _ function: String) -> String { "\(prefix)\(service)/\(function)" }

    static func route(_ service: String, _ function: String) -> HTTPRoute {
        HTTPRoute(
            method: "POST", path: path(service, function),
            segments: [.literal("_soko"), .literal("events"), .literal(service), .literal(function)])
    }
}

enum InvocationFailure: Error, CustomStringConvertible {
    case unknownConsumer(String)
    case tokenRefused(Int, String)
    case noCredentials

    var description: String {
        switch self {
        case .unknownConsumer(let name): "no consumer named \(name)"
        case .tokenRefused(let status, let url): "the token endpoint \(url) answered \(status)"
        case .noCredentials: "SOKO_SERVICE_CLIENT_ID and SOKO_SERVICE_CLIENT_SECRET are not set"
        }
    }
}

/// Base URLs of the services this process calls over HTTP, and its client credentials.
struct ServiceDirectory: Sendable {
    var urls: [String: String]
    var clientID: String?
    var clientSecret: String?
    var tokenURL: String?

    init(environment: [String: String], identity: IdentityEndpoints? = nil) {
        var urls: [String: String] = [:]
        for (name, value) in environment where name.hasPrefix("SOKO_SERVICE_URL_") && !value.isEmpty {
            let service = name.dropFirst("SOKO_SERVICE_URL_".count).lowercased().replacingOccurrences(of: "_", with: "-")
            urls[service] = value.hasSuffix("/") ? String(value.dropLast()) : value
        }
        self.urls = urls
        clientID = environment["SOKO_SERVICE_CLIENT_ID"]
        clientSecret =
            environment["SOKO_SERVICE_CLIENT_SECRET"]
            ?? environment["SOKO_SERVICE_CLIENT_SECRET_FILE"].flatMap {
                try? String(contentsOfFile: $0, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            }
        // SOKO_TOKEN_URL, else the identity provider's unit (or service) URL and token route.
        tokenURL =
            environment["SOKO_TOKEN_URL"]
            ?? identity.flatMap { identity in
                (urls[identity.token.unit] ?? urls[identity.service]).map { $0 + identity.token.path }
            }
    }

    func url(of service: String) -> String? { urls[service] }

    static func variable(_ service: String) -> String {
        "SOKO_SERVICE_URL_" + service.uppercased().replacingOccurrences(of: "-", with: "_")
    }
}

/// This process's client-credentials token, fetched once and reused until shortly before it expires.
final class ServiceTokens: Sendable {
    private struct Cached {
        var token: String
        var expires: ContinuousClock.Instant
    }

    private let directory: ServiceDirectory
    private let client: BlockingHTTPClient
    /// Where the token endpoint is found when no URL is configured: the identity provider's unit in Consul.
    private let consul: Consul?
    /// The manifests' identity provider (its token endpoint); nil when none is declared.
    private let identity: IdentityEndpoints?
    private let cached = Mutex<Cached?>(nil)

    init(directory: ServiceDirectory, client: BlockingHTTPClient, consul: Consul? = nil, identity: IdentityEndpoints? = nil) {
        self.directory = directory
        self.client = client
        self.consul = consul
        self.identity = identity
    }

    func forget() { cached.withLock { $0 = nil } }

    func token(requestID: String, handler: HostRequestHandler) async throws -> String {
        if let current = cached.withLock({ $0 }), current.expires > .now { return current.token }
        guard let id = directory.clientID, let secret = directory.clientSecret else { throw InvocationFailure.noCredentials }
        let form = "grant_type=client_credentials"
        let basic = Data("\(Self.formEncode(id)):\(Self.formEncode(secret))".utf8).base64EncodedString()
        var headers = HTTPHeaders()
        headers.add("Content-Type", "application/x-www-form-urlencoded")
        headers.add("Authorization", "Basic \(basic)")
        let response: FunctionResponse
        if let identity,
            let local = try await handler.invokeInProcess(
                service: identity.service, function: identity.token.function, method: identity.token.method,
                path: identity.token.path, headers: headers, body: Array(form.utf8))
        {
            response = local
        } else if let url = await tokenURL() {
            let answer = try await client.send(
                "POST", url, headers: headers.map { ($0.name, $0.value) }, body: Array(form.utf8), timeout: .seconds(5))
            response = FunctionResponse(status: answer.status, body: answer.body)
        } else {
            throw InvocationFailure.noCredentials
        }
        struct Grant: Decodable {
            var accessToken: String
            var expiresIn: Int

            enum CodingKeys: String, CodingKey {
                case accessToken = "access_token"
                case expiresIn = "expires_in"
            }
        }
        guard response.status == 200, let grant = try? JSONCoding.decode(Grant.self, from: response.body) else {
            throw InvocationFailure.tokenRefused(
                response.status,
                directory.tokenURL ?? identity.map { "\($0.service).\($0.token.function)" } ?? "the token endpoint")
        }
        let expires = ContinuousClock.now + .seconds(max(0, grant.expiresIn - 30))
        cached.withLock { $0 = Cached(token: grant.accessToken, expires: expires) }
        return grant.accessToken
    }

    /// `SOKO_TOKEN_URL` (or the identity provider's URL's), else a passing instance from Consul.
    private func tokenURL() async -> String? {
        if let url = directory.tokenURL { return url }
        guard let identity else { return nil }
        return await consul?.resolve(identity.token.unit).map { $0 + identity.token.path }
    }

    /// `application/x-www-form-urlencoded` escaping, as RFC 6749 §2.3.1 asks for Basic credentials.
    static func formEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._*")
        return (text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text).replacingOccurrences(of: "%20", with: "+")
    }
}
