import Contracts
import SokoFunctions

/// A mail that can never be sent (the customer is unknown, their address unusable): logged as
/// `failed` at once, not retried.
struct Undeliverable: Error, CustomStringConvertible {
    var description: String
}

/// A mail the transport did not take: the relay retries the event (503 `mail-not-sent`).
struct MailNotSent: ProblemConvertible, CustomStringConvertible {
    var reason: String
    var problem: Problem { Problem(status: 503, code: "mail-not-sent", detail: reason) }
    var description: String { reason }
}

/// How one delivery of an event ended for one kind of mail.
enum DeliveryOutcome: Sendable, Equatable {
    /// Handed to the transport, which answered where it went (`smtp`, a file path).
    case sent(transport: String)
    /// Already sent for this event (a redelivery): nothing sent again.
    case alreadySent
    /// Never sendable; logged as failed.
    case undeliverable(String)
}

/// The steps every consumer shares: skip what was sent, compose, send, log.
///
/// The send happens outside any transaction (it is a network call) and the log and the
/// processed-event record are written only after it, in one transaction, so a failed send never
/// looks sent. A failure is logged `retrying` (or `failed` on the relay's last attempt) and thrown,
/// so the relay tries again. If the process dies between the send and the log write, the
/// redelivery sends again with the same Message-ID (made from the event id), which lets a
/// mailbox recognise the copy.
enum NotificationDelivery {
    static func deliver<Payload>(
        _ event: Event<Payload>, kind: NotificationKind, context: FunctionContext, settings: NotificationSettings,
        compose: @Sendable () async throws -> (to: Mailbox, content: MailContent)
    ) async throws -> DeliveryOutcome {
        let store = context.store
        if try await DeliveryLog.status(eventID: event.id, kind: kind, in: store) == .sent { return .alreadySent }

        var recipient: Mailbox?
        var subject: String?
        do {
            let (to, content) = try await compose()
            recipient = to
            let loggedSubject = MailHeader.singleLine(content.subject)
            subject = loggedSubject
            let message = MailMessage(
                from: settings.from, to: to, subject: content.subject, text: content.text, html: content.html,
                date: MailDate.format(seconds: context.now.unixSeconds),
                messageID: MailMessage.messageID(key: "\(kind.rawValue).\(event.id)", domain: settings.from.domain))
            let mail = OutgoingMail(from: settings.from.address, recipients: [to.address], message: message.rendered)
            let transport = try await context.send(mail)
            let consumer = "\(context.service).\(context.function)"
            try await store.transaction { transaction in
                _ = try transaction.markProcessed(eventID: event.id, consumer: consumer)
                try DeliveryLog.record(
                    DeliveryLog.Attempt(
                        eventID: event.id, kind: kind, recipient: to.address, subject: loggedSubject, status: .sent,
                        lastError: nil,
                        transport: transport), at: context.now, transaction)
            }
            return .sent(transport: transport)
        } catch let error as Undeliverable {
            try await record(event, kind, recipient, subject, .failed, "\(error)", context: context)
            context.logger.warning(
                "notification cannot be sent",
                metadata: ["event_id": "\(event.id)", "kind": "\(kind.rawValue)", "error": "\(error)"])
            return .undeliverable(error.description)
        } catch {
            let status: NotificationStatus = event.isFinalAttempt ? .failed : .retrying
            let reason = Self.describe(error)
            // Logging the failure must not hide it: whatever the write does, the relay hears the
            // send failed.
            try? await record(event, kind, recipient, subject, status, reason, context: context)
            context.logger.warning(
                "notification not sent",
                metadata: [
                    "event_id": "\(event.id)", "kind": "\(kind.rawValue)", "attempt": "\(event.attempt)", "error": "\(reason)",
                ])
            throw MailNotSent(reason: reason)
        }
    }

    private static func record<Payload>(
        _ event: Event<Payload>, _ kind: NotificationKind, _ recipient: Mailbox?, _ subject: String?,
        _ status: NotificationStatus, _ reason: String, context: FunctionContext
    ) async throws {
        let now = context.now
        _ = try await context.store.transaction { transaction in
            try DeliveryLog.record(
                DeliveryLog.Attempt(
                    eventID: event.id, kind: kind, recipient: recipient?.address, subject: subject, status: status,
                    lastError: reason, transport: nil), at: now, transaction)
        }
    }

    private static func describe(_ error: Error) -> String {
        if let invocation = error as? InvocationError { return invocation.description }
        if let outgoing = error as? OutgoingError { return outgoing.message }
        return String(describing: error)
    }
}

/// Where to write to a customer: `users.contact`, called outside any transaction.
enum CustomerContact {
    /// The customer's mailbox and name; ``Undeliverable`` when Users does not know them or the
    /// address cannot be written to; other failures are thrown for a retry.
    static func lookup(_ customerID: String, context: FunctionContext) async throws -> (mailbox: Mailbox, name: String) {
        if GuestOrdersContract.isGuest(customerID) { return try await guest(customerID, context: context) }
        let contact: UserContact
        do {
            contact = try await context.invoke(UsersContract.contact, UserReference(userID: customerID))
        } catch let error as InvocationError where error.status == 404 || error.status == 422 {
            throw Undeliverable(description: "users does not know customer \(customerID)")
        }
        guard let mailbox = Mailbox(name: contact.name, address: contact.email) else {
            throw Undeliverable(description: "the address of customer \(customerID) cannot be written to")
        }
        return (mailbox, contact.name)
    }

    /// A guest's mailbox (`customer_id` `guest:…`), as Orders keeps it with their orders.
    static func guest(_ customerID: String, context: FunctionContext) async throws -> (mailbox: Mailbox, name: String) {
        let contact: GuestContact
        do {
            contact = try await context.invoke(GuestOrdersContract.contact, CustomerReference(customerID: customerID))
        } catch let error as InvocationError where error.status == 404 || error.status == 422 {
            throw Undeliverable(description: "orders does not know guest \(customerID)")
        }
        guard let mailbox = Mailbox(name: contact.name, address: contact.email) else {
            throw Undeliverable(description: "the address of guest \(customerID) cannot be written to")
        }
        return (mailbox, contact.name)
    }
}
