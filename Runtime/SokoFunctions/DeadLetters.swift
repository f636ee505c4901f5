/// The host's own functions over a service's dead letters — event deliveries parked after their
/// consumer's last retry — so an operator's page can list and replay them the way `soko events
/// dead|retry` does, from any process.
///
/// Every host serves, for each service whose store it opens, `_deadLetters`
/// (`POST /_soko/dead-letters/<service>`) and `_retryDeadLetter`
/// (`POST /_soko/dead-letters/<service>/retry`), with `auth: service`: they are reached through
/// ``FunctionContext/invoke(_:_:)`` (in-process, or over HTTP with the platform's service token),
/// never through the gateway. The caller decides who may see them (an admin page checks the admin
/// role before it calls).
///
/// ```swift
/// let letters = try await context.invoke(DeadLetters.list("orders"), DeadLetterQuery())
/// ```
public enum DeadLetters {
    /// The listing function's name in every service with a store.
    public static let listFunction = "_deadLetters"
    /// The retrying function's name in every service with a store.
    public static let retryFunction = "_retryDeadLetter"
    /// Where the host serves them: `/_soko/dead-letters/<service>` (and `…/retry`).
    public static let pathPrefix = "/_soko/dead-letters/"

    /// `service`'s dead letters, oldest failure first.
    public static func list(_ service: String) -> Contract<DeadLetterQuery, DeadLetterList> {
        Contract(service: service, function: listFunction, idempotent: true)
    }

    /// Queues one event's dead deliveries in `service` again, with a fresh set of retries.
    public static func retry(_ service: String) -> Contract<DeadLetterRetry, DeadLetterRetried> {
        Contract(service: service, function: retryFunction, idempotent: true)
    }
}

/// The body of `_deadLetters`: how many to list at most (1–1000, default 200).
public struct DeadLetterQuery: Codable, Sendable, Equatable {
    public var limit: Int?

    public init(limit: Int? = nil) { self.limit = limit }
}

/// What `_deadLetters` answers.
public struct DeadLetterList: Codable, Sendable, Equatable {
    public var service: String
    public var items: [DeadLetter]

    public init(service: String, items: [DeadLetter]) {
        self.service = service
        self.items = items
    }
}

/// A delivery parked after its consumer's last retry.
public struct DeadLetter: Sendable, Equatable, Codable {
    public var eventID: String
    /// The event's name, e.g. `order.placed`.
    public var event: String
    /// The consumer, `service.function`.
    public var consumer: String
    public var attempts: Int
    public var lastError: String
    public var occurredAt: String
    public var failedAt: String

    public init(
        eventID: String, event: String, consumer: String, attempts: Int, lastError: String, occurredAt: String,
        failedAt: String
    ) {
        self.eventID = eventID
        self.event = event
        self.consumer = consumer
        self.attempts = attempts
        self.lastError = lastError
        self.occurredAt = occurredAt
        self.failedAt = failedAt
    }

    enum CodingKeys: String, CodingKey {
        case event, consumer, attempts
        case eventID = "event_id"
        case lastError = "last_error"
        case occurredAt = "occurred_at"
        case failedAt = "failed_at"
    }
}

/// The body of `_retryDeadLetter`.
public struct DeadLetterRetry: Codable, Sendable, Equatable {
    public var eventID: String

    public init(eventID: String) { self.eventID = eventID }

    enum CodingKeys: String, CodingKey { case eventID = "event_id" }
}

/// What `_retryDeadLetter` answers: how many deliveries went back in the queue (at least 1; none
/// is 404 `dead-letter-not-found`).
public struct DeadLetterRetried: Codable, Sendable, Equatable {
    public var eventID: String
    public var requeued: Int

    public init(eventID: String, requeued: Int) {
        self.eventID = eventID
        self.requeued = requeued
    }

    enum CodingKeys: String, CodingKey {
        case requeued
        case eventID = "event_id"
    }
}
