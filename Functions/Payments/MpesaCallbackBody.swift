import SokoFunctions

/// A Daraja STK callback (`{"Body": {"stkCallback": {…}}}`), read leniently: `ResultCode` is a
/// number (a string accepted too); metadata items are looked up **by name** (the list varies in
/// length and order, `Balance` may come without a `Value`); `Amount` may be `1` or `1.00`;
/// `TransactionDate` and `PhoneNumber` are numbers.
public struct MpesaCallbackBody: Sendable, Equatable {
    public var merchantRequestID: String?
    public var checkoutRequestID: String
    public var resultCode: Int
    public var resultDesc: String
    /// `CallbackMetadata.Item` by name (items without a value left out).
    public var metadata: [String: JSONValue]

    /// Parses a callback; nil when the JSON is not an STK callback.
    public init?(_ json: JSONValue) {
        guard case .object(let root) = json, case .object(let body)? = root["Body"],
            case .object(let callback)? = body["stkCallback"],
            let checkout = Self.text(callback["CheckoutRequestID"]), !checkout.isEmpty,
            let code = Self.integer(callback["ResultCode"])
        else { return nil }
        checkoutRequestID = checkout
        merchantRequestID = Self.text(callback["MerchantRequestID"])
        resultCode = code
        resultDesc = Self.text(callback["ResultDesc"]) ?? ""
        metadata = [:]
        if case .object(let meta)? = callback["CallbackMetadata"], case .array(let items)? = meta["Item"] {
            for case .object(let item) in items {
                guard let name = Self.text(item["Name"]), let value = item["Value"], value != .null else { continue }
                metadata[name] = value
            }
        }
    }

    /// `Amount` in whole shillings when it is a whole number (`1`, `1.0`, `"1.00"`); nil when
    /// missing or fractional.
    public var amount: Int? {
        switch metadata["Amount"] {
        case .integer(let value)?: return Int(value)
        case .number(let value)? where value.rounded() == value && abs(value) < 1e15: return Int(value)
        case .string(let text)?:
            if let whole = Int(text) { return whole }
            if let value = Double(text), value.rounded() == value, abs(value) < 1e15 { return Int(value) }
            return nil
        default: return nil
        }
    }

    public var receipt: String? { Self.text(metadata["MpesaReceiptNumber"]) }
    public var phoneNumber: String? { Self.text(metadata["PhoneNumber"]) }
    public var transactionDate: String? { Self.text(metadata["TransactionDate"]) }

    static func text(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text)?: return text
        case .integer(let number)?: return String(number)
        case .number(let number)? where number.rounded() == number && abs(number) < 1e18: return String(Int64(number))
        default: return nil
        }
    }

    static func integer(_ value: JSONValue?) -> Int? {
        switch value {
        case .integer(let number)?: return Int(number)
        case .number(let number)? where number.rounded() == number && abs(number) < 1e15: return Int(number)
        case .string(let text)?: return Int(text)
        default: return nil
        }
    }
}
