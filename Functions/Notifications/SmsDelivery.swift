import Contracts
import SokoFunctions

/// The steps every SMS consumer shares: skip what was sent, look the customer (or guest, see
/// ``SmsRecipient``) up, send, log.
///
/// The send is outside any transaction; the log row and the processed-event record are written
/// after it, together. No phone on file, or an opted-out customer, is logged `skipped` (final); a
/// number the provider refuses for good is `failed` at once; anything else is `retrying` (or
/// `failed` on the relay's last attempt) and thrown so the relay retries it.
enum SmsDelivery {
    static func deliver<Payload>(
        _ event: Event<Payload>, kind: NotificationKind, customerID: String, context: FunctionContext,
        client: AfricasTalkingClient?, compose: @Sendable (_ name: String) -> String
    ) async throws -> SmsLog.Status {
        guard let client else { return .skipped }  // SOKO_SMS=off
        let store = context.store
        if let status = try await SmsLog.status(eventID: event.id, kind: kind, in: store), status == .sent || status == .skipped {
            return status
        }
        var attempt = SmsLog.Attempt(
            eventID: event.id, kind: kind, recipient: nil, message: nil, status: .skipped, lastError: nil,
            providerStatus: nil, messageID: nil, cost: nil)
        do {
            guard let contact = try await SmsRecipient.contact(of: customerID, context: context) else {
                let service =
                    GuestOrdersContract.isGuest(customerID) ? "orders does not know guest" : "users does not know customer"
                attempt.lastError = "\(service) \(customerID)"
                try await finish(attempt, event: event, context: context)
                return .skipped
            }
            guard let phone = contact.phone, !phone.isEmpty, contact.smsOptIn else {
                attempt.lastError = contact.smsOptIn ? "no phone number on file" : "the customer opted out of SMS"
                try await finish(attempt, event: event, context: context)
                return .skipped
            }
            attempt.recipient = phone
            attempt.message = compose(contact.name)
            switch try await client.send(to: phone, message: attempt.message ?? "", context: context) {
            case .accepted(let recipient):
                attempt.status = .sent
                attempt.providerStatus = recipient.status
                attempt.messageID = recipient.messageId
                attempt.cost = recipient.cost
            case .rejected(let recipient):
                attempt.status = .failed
                attempt.providerStatus = recipient.status
                attempt.lastError = "\(recipient.statusCode) \(recipient.status)"
            case .retry(let reason):
                throw SmsNotSent(reason: reason)
            }
            try await finish(attempt, event: event, context: context)
            return attempt.status
        } catch {
            attempt.status = event.isFinalAttempt ? .failed : .retrying
            attempt.lastError = (error as? SmsNotSent)?.reason ?? String(describing: error)
            let logged = attempt
            try? await context.store.transaction { transaction in
                _ = try SmsLog.record(logged, at: context.now, transaction)
            }
            context.logger.warning(
                "SMS not sent",
                metadata: ["event_id": "\(event.id)", "kind": "\(kind.rawValue)", "error": "\(attempt.lastError ?? "")"])
            throw SmsNotSent(reason: attempt.lastError ?? "not sent")
        }
    }

    /// Writes the final row and the processed-event record in one transaction.
    private static func finish<Payload>(_ attempt: SmsLog.Attempt, event: Event<Payload>, context: FunctionContext) async throws {
        let consumer = "\(context.service).\(context.function)"
        try await context.store.transaction { transaction in
            _ = try transaction.markProcessed(eventID: event.id, consumer: consumer)
            try SmsLog.record(attempt, at: context.now, transaction)
        }
    }
}

/// A text the provider did not take: the relay retries the event (503 `sms-not-sent`).
struct SmsNotSent: ProblemConvertible, CustomStringConvertible {
    var reason: String
    var problem: Problem { Problem(status: 503, code: "sms-not-sent", detail: reason) }
    var description: String { reason }
}
