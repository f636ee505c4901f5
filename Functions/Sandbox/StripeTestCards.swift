/// The test PaymentMethods the sandbox knows, named as Stripe names them in test mode.
///
/// | payment_method | card | confirm gives |
/// |---|---|---|
/// | `pm_card_visa` | visa 4242 | `succeeded` |
/// | `pm_card_mastercard` | mastercard 4444 | `succeeded` |
/// | `pm_card_amex` | amex 8431 | `succeeded` |
/// | `pm_card_chargeDeclined` | visa 0002 | 402 `card_declined` / `generic_decline` |
/// | `pm_card_visa_chargeDeclinedInsufficientFunds` | visa 9995 | 402 `card_declined` / `insufficient_funds` |
/// | `pm_card_visa_chargeDeclinedLostCard` | visa 9987 | 402 `card_declined` / `lost_card` |
/// | `pm_card_visa_chargeDeclinedStolenCard` | visa 9979 | 402 `card_declined` / `stolen_card` |
/// | `pm_card_chargeDeclinedExpiredCard` | visa 0069 | 402 `expired_card` |
/// | `pm_card_chargeDeclinedIncorrectCvc` | visa 0127 | 402 `incorrect_cvc` |
/// | `pm_card_chargeDeclinedProcessingError` | visa 0119 | 402 `processing_error` |
struct StripeTestCard: Equatable, Sendable {
    struct Decline: Equatable, Sendable {
        var code: String
        var declineCode: String
        var message: String
    }

    var paymentMethod: String
    var brand: String
    var last4: String
    var decline: Decline?

    static func named(_ id: String) -> StripeTestCard? { all.first { $0.paymentMethod == id } }

    static let all: [StripeTestCard] = [
        StripeTestCard(paymentMethod: "pm_card_visa", brand: "visa", last4: "4242"),
        StripeTestCard(paymentMethod: "pm_card_mastercard", brand: "mastercard", last4: "4444"),
        StripeTestCard(paymentMethod: "pm_card_amex", brand: "amex", last4: "8431"),
        declined("pm_card_chargeDeclined", "0002", "card_declined", "generic_decline", "Your card was declined."),
        declined(
            "pm_card_visa_chargeDeclinedInsufficientFunds", "9995", "card_declined", "insufficient_funds",
            "Your card has insufficient funds."),
        declined("pm_card_visa_chargeDeclinedLostCard", "9987", "card_declined", "lost_card", "Your card was declined."),
        declined("pm_card_visa_chargeDeclinedStolenCard", "9979", "card_declined", "stolen_card", "Your card was declined."),
        declined("pm_card_chargeDeclinedExpiredCard", "0069", "expired_card", "expired_card", "Your card has expired."),
        declined(
            "pm_card_chargeDeclinedIncorrectCvc", "0127", "incorrect_cvc", "incorrect_cvc",
            "Your card's security code is incorrect."),
        declined(
            "pm_card_chargeDeclinedProcessingError", "0119", "processing_error", "processing_error",
            "An error occurred while processing your card. Try again in a little bit."),
    ]

    private static func declined(_ id: String, _ last4: String, _ code: String, _ declineCode: String, _ message: String)
        -> StripeTestCard
    {
        StripeTestCard(
            paymentMethod: id, brand: "visa", last4: last4,
            decline: Decline(code: code, declineCode: declineCode, message: message))
    }
}
