import SokoFunctions

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `POST /webhooks/mpesa/{token}` (Daraja; `auth: webhook`): answers
/// `200 {"ResultCode":0,"ResultDesc":"Accepted"}` for anything that parses as JSON (malformed JSON
/// is 400) — an unknown id, a wrong token or a duplicate is logged and acknowledged, never retried
/// into us.
///
/// Only a callback that proved itself (its payment found and its token right) is kept, with its raw
/// payload, and at most ``keptPerCheckout`` per CheckoutRequestID: the route is public, so anything
/// an anonymous sender could post is answered and logged (without its body) but never stored —
/// random tokens cannot fill the payments store.
///
/// Checks, in order: the payment is found by CheckoutRequestID (or, before payOrder stored the ids,
/// by the token's hash); the token hashes to the stored one (constant-time); the payment is still
/// pending, or is a push Daraja never answered that reconciliation expired (its charge must still be
/// recorded: a success there goes on to `payment.succeeded`, and Orders refunds it as
/// `payment.unneeded` if the shopper's retry paid the order meanwhile). Then a failure code (1032 cancelled, 1037 timeout, 1 funds, 2001 PIN, any other) fails
/// the payment with `payment.failed`; code 0 with the expected amount stores the receipt and emits
/// `mpesa.callback_received`, on which ``ConfirmMpesa`` asks STK Query before marking it paid — so
/// the answer to Daraja never waits on a remote call. An amount that differs is logged and the
/// payment left to reconciliation (a push is for a fixed amount: such a callback is not genuine).
enum MpesaCallback: RawFunction {
    static let accepted = #"{"ResultCode":0,"ResultDesc":"Accepted"}"#

    static func run(_ request: FunctionRequest, context: FunctionContext) async throws -> FunctionResponse {
        guard let json = try? JSONCoding.decode(JSONValue.self, from: request.body) else {
            throw FunctionError.badRequest("the callback is not JSON", code: "malformed-json")
        }
        let token = context.pathParameter("token") ?? ""
        let raw = String(decoding: request.body, as: UTF8.self)
        let outcome = try await handle(json, token: token, context: context)
        if outcome.isAuthenticated, let checkout = MpesaCallbackBody(json)?.checkoutRequestID {
            try await keep(raw, checkout: checkout, outcome: outcome, context: context)
        }
        return FunctionResponse(status: 200, headers: ["Content-Type": "application/json"], body: Array(accepted.utf8))
    }

    /// Callbacks kept per CheckoutRequestID (Daraja sends one; the rest are replays).
    static let keptPerCheckout = 10

    /// Stores the raw callback unless its CheckoutRequestID already has ``keptPerCheckout``.
    static func keep(_ raw: String, checkout: String, outcome: Outcome, context: FunctionContext) async throws {
        let now = context.now
        try await context.store.transaction { transaction in
            let rows = try transaction.query(
                "SELECT COUNT(*) AS n FROM mpesa_callbacks WHERE checkout_request_id = $1", [.text(checkout)])
            guard try (rows.first?.int("n") ?? 0) < keptPerCheckout else { return }
            try transaction.execute(
                "INSERT INTO mpesa_callbacks (id, checkout_request_id, raw, outcome, received_at) VALUES ($1, $2, $3, $4, $5)",
                [
                    .text(UUID().uuidString.lowercased()), .text(checkout), .text(raw), .text(outcome.rawValue),
                    .text(now.timestamp),
                ])
        }
    }

    /// What became of a callback (kept beside its raw payload).
    enum Outcome: String {
        case notACallback = "not-a-callback"
        case unknownPayment = "unknown-payment"
        case badToken = "bad-token"
        case alreadyDecided = "already-decided"
        case failed
        case amountMismatch = "amount-mismatch"
        case awaitingConfirmation = "awaiting-confirmation"
        case duplicate

        /// Whether the callback named a payment and carried its token (only those are stored).
        var isAuthenticated: Bool {
            switch self {
            case .notACallback, .unknownPayment, .badToken: false
            case .alreadyDecided, .failed, .amountMismatch, .awaitingConfirmation, .duplicate: true
            }
        }
    }

    static func handle(_ json: JSONValue, token: String, context: FunctionContext) async throws -> Outcome {
        let logger = context.logger
        guard let callback = MpesaCallbackBody(json) else {
            logger.warning("M-Pesa callback without an stkCallback; acknowledged and ignored")
            return .notACallback
        }
        let checkout = callback.checkoutRequestID
        var found = try await PaymentRepository.find(checkoutRequestID: checkout, in: context.store)
        if found == nil {
            // The callback can beat payOrder's own write of the ids: find the payment by its token.
            found = try await PaymentRepository.all(
                "callback_token_hash = $1 AND checkout_request_id IS NULL AND method = 'mpesa'",
                [.text(CallbackToken.hash(token))], in: context.store
            ).first
        }
        guard let payment = found else {
            logger.warning("M-Pesa callback for an unknown CheckoutRequestID", metadata: ["checkout_request_id": "\(checkout)"])
            return .unknownPayment
        }
        guard let stored = payment.callbackTokenHash, CallbackToken.matches(token, storedHash: stored) else {
            logger.warning(
                "M-Pesa callback with a wrong token; ignored",
                metadata: ["payment_id": "\(payment.id)", "checkout_request_id": "\(checkout)"])
            return .badToken
        }
        // An expired push Daraja never answered still takes its callback: it was charged.
        guard payment.awaitsMpesaOutcome else {
            logger.info("M-Pesa callback for a decided payment", metadata: ["payment_id": "\(payment.id)"])
            return .alreadyDecided
        }
        if payment.checkoutRequestID == nil {
            try await context.store.execute(
                """
                UPDATE payments SET checkout_request_id = $2, merchant_request_id = $3, updated_at = $4
                WHERE id = $1 AND checkout_request_id IS NULL
                """, [.text(payment.id), .text(checkout), SQLValue(callback.merchantRequestID), .text(context.now.timestamp)])
        }
        guard callback.resultCode == 0 else {
            if payment.isExpiredUnansweredPush {
                // Now known never paid: the expiry's "failed" stands, and nothing can revive it.
                try await context.store.execute(
                    "UPDATE payments SET result_code = $2, result_desc = $3, updated_at = $4 WHERE id = $1 AND result_code = $5",
                    [
                        .text(payment.id), .text(String(callback.resultCode)), .text(callback.resultDesc),
                        .text(context.now.timestamp), .text(MpesaPayment.unansweredCode),
                    ])
                return .alreadyDecided
            }
            let changed = try await PaymentTransitions.fail(
                paymentID: payment.id, resultCode: String(callback.resultCode), resultDesc: callback.resultDesc,
                context: context)
            logger.info(
                "M-Pesa payment failed",
                metadata: ["payment_id": "\(payment.id)", "result_code": "\(callback.resultCode)", "changed": "\(changed)"])
            return changed ? .failed : .alreadyDecided
        }
        if let amount = callback.amount, amount * 100 != payment.amount {
            logger.error(
                "M-Pesa callback amount differs from the push; left to reconciliation",
                metadata: ["payment_id": "\(payment.id)", "expected": "\(payment.amount / 100)", "got": "\(amount)"])
            return .amountMismatch
        }
        let receipt = callback.receipt
        let recorded = try await context.store.transaction { transaction in
            let changed = try transaction.execute(
                """
                UPDATE payments SET callback_at = $2, receipt = $3, result_desc = $4, updated_at = $2,
                    result_code = CASE WHEN status = 'pending' THEN '0' ELSE result_code END
                WHERE id = $1 AND callback_at IS NULL AND (status = 'pending' OR (status = 'failed' AND result_code = $5))
                """,
                [
                    .text(payment.id), .text(context.now.timestamp), SQLValue(receipt), .text(callback.resultDesc),
                    .text(MpesaPayment.unansweredCode),
                ])
            guard changed == 1 else { return false }
            try transaction.emit(
                "mpesa.callback_received", MpesaCallbackReceived(paymentID: payment.id, checkoutRequestID: checkout))
            return true
        }
        return recorded ? .awaitingConfirmation : .duplicate
    }
}
