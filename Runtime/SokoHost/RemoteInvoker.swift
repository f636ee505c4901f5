import Logging
import SokoFunctions
import SokoManifest
import SokoOutbound
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Function invocation and event delivery to units this process does not serve.
///
/// A callee is reached over HTTP at the base URL of its deployment unit — its service, or
/// `<service>-<function>` for a function deployed on its own — from `SOKO_SERVICE_URL_<UNIT>` or
/// else Consul, with a client-credentials token, a timeout equal to the caller's time left, and —
/// for idempotent calls only — retries with backoff on transport failures and 502/503/504. Every
/// call goes through the host's ``OutboundClient`` on the loops: a callee that never answers holds
/// a socket, never a thread. (Callees loaded in this process never get here: the
/// ``InvocationPipeline`` runs them.)
struct RemoteInvoker: Sendable {
    /// A function some manifest declares, wherever it runs.
    struct Target: Sendable {
        /// The deployment unit that serves it remotely (its service, or its own when `deploy: function`).
        var unit: String
        var route: HTTPRoute?
    }

    /// Every function the manifests declare, by `service.function`.
    let targets: [String: Target]
    let directory: ServiceDirectory
    let outbound: any OutgoingHTTP
    let tokens: ServiceTokens
    let consul: Consul?
    private let logger = Logger(label: "soko.invoke")

    init(
        manifests: [ServiceManifest], directory: ServiceDirectory, outbound: any OutgoingHTTP, consul: Consul?
    ) {
        var targets: [String: Target] = [:]
        for manifest in manifests {
            for function in manifest.functions {
                var route: HTTPRoute?
                if case .http(let routes) = function.trigger { route = routes.first }
                targets["\(manifest.service).\(function.name)"] = Target(unit: manifest.unitName(of: function), route: route)
            }
            // The host's dead-letter functions, served by the service's unit wherever it keeps a store.
            for function in DeadLetterFunctions.manifests(service: manifest.service) {
                guard case .http(let routes) = function.trigger else { continue }
                targets["\(manifest.service).\(function.name)"] = Target(unit: manifest.service, route: routes.first)
            }
        }
        self.targets = targets
        self.directory = directory
        self.outbound = outbound
        self.consul = consul
        tokens = ServiceTokens(
            directory: directory, outbound: outbound, consul: consul, identity: IdentityEndpoints.find(in: manifests))
    }

    /// Calls `service.function` (a route without parameters) on its unit.
    func invoke(
        service: String, function: String, body: [UInt8], idempotent: Bool, requestID: String,
        deadline: ContinuousClock.Instant, local: InvocationPipeline
    ) async throws -> FunctionResponse {
        let key = "\(service).\(function)"
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
        return try await call(
            service: service, function: function, unit: target.unit, method: route.method, path: route.path, body: body,
            idempotent: idempotent, requestID: requestID, deadline: deadline, local: local)
    }

    /// Delivers an event envelope to `consumer` (`service.function`) with
    /// `POST /_soko/events/<service>/<function>` on its unit. Returns the status.
    func deliver(
        envelope: [UInt8], to consumer: String, requestID: String, deadline: ContinuousClock.Instant,
        local: InvocationPipeline
    ) async throws -> Int {
        let parts = consumer.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { throw InvocationFailure.unknownConsumer(consumer) }
        let response = try await call(
            service: parts[0], function: parts[1], unit: targets[consumer]?.unit ?? parts[0], method: "POST",
            path: EventRoutes.path(parts[0], parts[1]), body: envelope, idempotent: false, requestID: requestID,
            deadline: deadline, local: local)
        return response.status
    }

    /// One call over HTTP to an instance of `unit` (`SOKO_SERVICE_URL_<UNIT>`, else Consul), retried
    /// (idempotent calls only) while the deadline allows.
    private func call(
        service: String, function: String, unit: String, method: String, path: String, body: [UInt8], idempotent: Bool,
        requestID: String, deadline: ContinuousClock.Instant, local: InvocationPipeline
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
            guard ContinuousClock.now.duration(to: deadline) > .milliseconds(1) else {
                throw InvocationError(
                    service: service, function: function,
                    problem: Problem(
                        status: 504, code: "deadline-exceeded", detail: "no time left to call \(service).\(function)"))
            }
            let outcome: Result<OutgoingResponse, Error>
            do {
                let token = try await tokens.token(requestID: requestID, local: local)
                let headers: HTTPHeaders = [
                    "Content-Type": "application/json", "Authorization": "Bearer \(token)", "X-Request-ID": requestID,
                ]
                // Not retried by the client: the retries (and the token refresh) are decided here.
                let request = OutgoingRequest(method: method, url: base + path, headers: headers, body: body, idempotent: false)
                outcome = .success(try await outbound.send(request, deadline: deadline))
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
                return FunctionResponse(
                    status: response.status, headers: ["Content-Type": "application/json"], body: response.body)
            case .failure(let error)
            where !idempotent || attempt >= 3 || error is InvocationFailure || error is CancellationError:
                if let invocation = error as? InvocationError { throw invocation }
                if let timeout = error as? OutgoingError, timeout.kind == .timeout {
                    throw InvocationError(
                        service: service, function: function,
                        problem: Problem(
                            status: 504, code: "deadline-exceeded", detail: "\(service).\(function) did not answer in time"))
                }
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
