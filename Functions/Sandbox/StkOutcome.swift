/// What happens to an STK push, picked by the paying phone number (the sandbox's own test
/// convention, beside Daraja's test MSISDN 254708374149, which pays).
///
/// | phone | outcome | callback | query after the delay |
/// |---|---|---|---|
/// | 254708374149, any other valid number | paid (0) | ResultCode 0 with metadata | "0" |
/// | 254700000001 | cancelled by the user (1032) | ResultCode 1032 | "1032" |
/// | 254700000002 | phone unreachable (1037) | ResultCode 1037 | "1037" |
/// | 254700000003 | insufficient balance (1) | ResultCode 1 | "1" |
/// | 254700000004 | wrong PIN (2001) | ResultCode 2001 | "2001" |
/// | 254700000005 | paid, but the callback is lost | none, ever | "0" (reconciliation finds it) |
enum StkOutcome: Equatable, Sendable {
    case paid
    case paidWithoutCallback
    case failed(code: Int, description: String)

    static let paidDescription = "The service request is processed successfully."

    static func forPhone(_ phone: String) -> StkOutcome {
        switch phone {
        case "254700000001": .failed(code: 1032, description: "Request cancelled by user")
        case "254700000002": .failed(code: 1037, description: "DS timeout user cannot be reached")
        case "254700000003": .failed(code: 1, description: "The balance is insufficient for the transaction")
        case "254700000004": .failed(code: 2001, description: "The initiator information is invalid")
        case "254700000005": .paidWithoutCallback
        default: .paid
        }
    }

    /// The `ResultCode` (a number in the callback, a string in the query).
    var resultCode: Int {
        switch self {
        case .paid, .paidWithoutCallback: 0
        case .failed(let code, _): code
        }
    }

    var resultDescription: String {
        switch self {
        case .paid, .paidWithoutCallback: Self.paidDescription
        case .failed(_, let description): description
        }
    }

    var sendsCallback: Bool { self != .paidWithoutCallback }
}
