/// Which email a log row is about.
enum NotificationKind: String, Sendable, Codable, CaseIterable {
    case welcome
    case orderConfirmation = "order_confirmation"
    case paymentReceipt = "payment_receipt"
    case orderShipped = "order_shipped"
    case orderDelivered = "order_delivered"
    case cancellation
    case passwordReset = "password_reset"
    case emailVerification = "email_verification"
    case refund
}

/// Where a log row stands: `sent`, or not yet (`retrying`: the relay will try again), or given up
/// on (`failed`: the relay's retries are spent, or the mail can never be sent).
enum NotificationStatus: String, Sendable, Codable, CaseIterable {
    case sent
    case retrying
    case failed
}
