#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// An outgoing HTTP request (to a payment gateway, a mail API, …).
public struct OutgoingRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Retry transport failures and 502/503/504 (with backoff, inside the deadline)? Only for calls
    /// that are safe to repeat: a GET, or a POST carrying an idempotency key the server honours.
    public var idempotent: Bool
    /// The most this call may take; the handler's own deadline bounds it as well.
    public var timeout: Duration?

    public init(
        method: String = "GET", url: String, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [],
        idempotent: Bool? = nil, timeout: Duration? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.idempotent = idempotent ?? (method == "GET" || method == "HEAD")
        self.timeout = timeout
    }

    /// A JSON body (`Content-Type: application/json`).
    public static func json<Body: Encodable>(
        _ method: String, _ url: String, _ body: Body, headers: HTTPHeaders = HTTPHeaders(), idempotent: Bool? = nil
    ) throws -> OutgoingRequest {
        var headers = headers
        headers.set("Content-Type", "application/json")
        return OutgoingRequest(
            method: method, url: url, headers: headers, body: try JSONCoding.encode(body), idempotent: idempotent)
    }

    /// An `application/x-www-form-urlencoded` body (Stripe's, OAuth's), fields in the given order.
    public static func form(
        _ method: String, _ url: String, _ fields: [(String, String)], headers: HTTPHeaders = HTTPHeaders(),
        idempotent: Bool? = nil
    ) -> OutgoingRequest {
        var headers = headers
        headers.set("Content-Type", "application/x-www-form-urlencoded")
        let body = FormEncoding.encode(fields)
        return OutgoingRequest(method: method, url: url, headers: headers, body: Array(body.utf8), idempotent: idempotent)
    }
}

/// An answer to an ``OutgoingRequest``: any HTTP status (a 4xx or 5xx is an answer, not an error).
public struct OutgoingResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public var text: String { String(decoding: body, as: UTF8.self) }

    public func json<T: Decodable>(_ type: T.Type) throws -> T { try JSONCoding.decode(type, from: body) }
}

/// No answer: the connection failed, TLS did not verify, or the deadline passed.
public struct OutgoingError: Error, CustomStringConvertible {
    public enum Kind: Sendable { case transport, timeout, unavailable }
    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

/// The host's client for outgoing HTTP: libcurl's multi interface driven by the event loops, so a
/// slow gateway holds no thread. Handlers reach it through ``FunctionContext/send(_:)``.
public protocol OutgoingHTTP: Sendable {
    func send(_ request: OutgoingRequest, deadline: ContinuousClock.Instant) async throws -> OutgoingResponse
}

/// An email on its way: the envelope and the whole RFC 5322 message (headers, blank line, body).
public struct OutgoingMail: Sendable {
    public var from: String
    public var recipients: [String]
    public var message: [UInt8]

    public init(from: String, recipients: [String], message: [UInt8]) {
        self.from = from
        self.recipients = recipients
        self.message = message
    }
}

/// The host's mail transport: SMTP through libcurl (STARTTLS required) when configured, otherwise
/// `.eml` files in a folder (the embedded default). Returns where it went (`smtp` or the file path).
public protocol MailTransport: Sendable {
    func send(_ mail: OutgoingMail, deadline: ContinuousClock.Instant) async throws -> String
}

extension FunctionContext {
    /// Sends an outgoing HTTP request within this call's deadline (and the request's own timeout).
    public func send(_ request: OutgoingRequest) async throws -> OutgoingResponse {
        guard let outgoing else { throw OutgoingError(.unavailable, "this context has no outgoing HTTP client") }
        let deadline = request.timeout.map { min(self.deadline, .now + $0) } ?? self.deadline
        return try await outgoing.send(request, deadline: deadline)
    }

    /// Sends an email within this call's deadline.
    public func send(_ mail: OutgoingMail) async throws -> String {
        guard let mailer else { throw OutgoingError(.unavailable, "this context has no mail transport") }
        return try await mailer.send(mail, deadline: deadline)
    }
}
