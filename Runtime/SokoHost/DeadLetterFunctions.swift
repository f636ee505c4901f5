import SokoFunctions
import SokoManifest

/// The host's own `_deadLetters` and `_retryDeadLetter` functions (``DeadLetters``), one pair per
/// service whose store this process opens, so that a page in another service can list and replay
/// dead letters through `context.invoke` — in-process, or over HTTP with the service token.
///
/// They are functions like any other (the pipeline's policy, cap, deadline, metrics and log line)
/// but declared by the host, not by a manifest: `soko routes --check` and the generated gateway
/// never see them, and their `auth: service` keeps them off the public surface.
enum DeadLetterFunctions {
    /// The pair's manifest entries for `service`.
    static func manifests(service: String) -> [FunctionManifest] {
        [
            FunctionManifest(
                name: DeadLetters.listFunction, trigger: .http([route(service, retry: false)]), auth: .service,
                timeout: .seconds(5), concurrency: 16, bodyLimit: 1024),
            FunctionManifest(
                name: DeadLetters.retryFunction, trigger: .http([route(service, retry: true)]), auth: .service,
                timeout: .seconds(5), concurrency: 16, bodyLimit: 1024),
        ]
    }

    /// `POST /_soko/dead-letters/<service>` or `…/<service>/retry`.
    static func route(_ service: String, retry: Bool) -> HTTPRoute {
        let path = DeadLetters.pathPrefix + service + (retry ? "/retry" : "")
        var segments: [PathSegment] = [.literal("_soko"), .literal("dead-letters"), .literal(service)]
        if retry { segments.append(.literal("retry")) }
        return HTTPRoute(method: "POST", path: path, segments: segments)
    }

    /// The handler for `name`: each reads and writes the host's delivery table in the service's
    /// own store (the context's).
    static func handler(_ name: String) -> FunctionHandler {
        if name == DeadLetters.retryFunction {
            return FunctionHandler(kind: .typed) { request, context in
                let input = try JSONCoding.decode(DeadLetterRetry.self, from: request.body)
                let id = input.eventID.trimmingWhitespace()
                guard !id.isEmpty, id.utf8.count <= 128,
                    !id.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
                else {
                    throw FunctionError.validation(
                        [FieldError(field: "event_id", message: "must be 1 to 128 characters, none of them control characters")])
                }
                let requeued = try await EventAdministration.retry(eventID: id, store: context.store)
                guard requeued > 0 else {
                    throw FunctionError.notFound(
                        "\(context.service) has no dead delivery of event \(id)", code: "dead-letter-not-found")
                }
                return try .json(DeadLetterRetried(eventID: id, requeued: requeued))
            }
        }
        return FunctionHandler(kind: .typed) { request, context in
            let input =
                request.body.isEmpty ? DeadLetterQuery() : try JSONCoding.decode(DeadLetterQuery.self, from: request.body)
            let limit = input.limit ?? 200
            guard (1...1000).contains(limit) else {
                throw FunctionError.validation([FieldError(field: "limit", message: "must be from 1 to 1000")])
            }
            let items = try await EventAdministration.deadLetters(store: context.store, limit: limit)
            return try .json(DeadLetterList(service: context.service, items: items))
        }
    }
}
