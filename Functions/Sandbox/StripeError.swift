import SokoFunctions

/// A Stripe API error, answered as Stripe does: `{"error": {"type", "code", "message", "param", …}}`.
struct StripeError: Error, Sendable {
    var status: Int
    var type: String
    var code: String?
    var message: String
    var param: String?
    var declineCode: String?
    /// Extra members of the error object that are already JSON (`charge`, `payment_intent`,
    /// `payment_method` on a card error), in order.
    var extra: [(String, String)] = []

    static func invalidRequest(_ message: String, code: String? = nil, param: String? = nil, status: Int = 400)
        -> StripeError
    {
        StripeError(status: status, type: "invalid_request_error", code: code, message: message, param: param)
    }

    static func missing(_ param: String) -> StripeError {
        .invalidRequest("Missing required param: \(param).", code: "parameter_missing", param: param)
    }

    static func unknown(_ param: String) -> StripeError {
        .invalidRequest(
            "Received unknown parameter: \(param)", code: "parameter_unknown", param: param)
    }

    static func invalidInteger(_ param: String, _ value: String) -> StripeError {
        .invalidRequest("Invalid integer: \(value)", code: "parameter_invalid_integer", param: param)
    }

    /// `resource_missing`: `No such payment_intent: 'pi_…'` — 404 for the URL's object, 400 for an
    /// object a form parameter names.
    static func noSuch(_ kind: String, _ id: String, param: String = "id") -> StripeError {
        .invalidRequest(
            "No such \(kind): '\(id)'", code: "resource_missing", param: param,
            status: param == "id" || param == "intent" ? 404 : 400)
    }

    var body: [UInt8] {
        var json = JSONBuffer(capacity: 256)
        json.openObject()
        json.key("error")
        json.openObject()
        if let code {
            json.key("code")
            json.string(code)
            json.key("doc_url")
            json.string("https://stripe.com/docs/error-codes/\(code.replacingUnderscores)")
        }
        if let declineCode {
            json.key("decline_code")
            json.string(declineCode)
        }
        json.key("message")
        json.string(message)
        if let param {
            json.key("param")
            json.string(param)
        }
        for (name, value) in extra {
            json.key(name)
            json.raw(value)
        }
        json.key("type")
        json.string(type)
        json.closeObject()
        json.closeObject()
        return json.bytes
    }
}

extension String {
    fileprivate var replacingUnderscores: String { String(map { $0 == "_" ? "-" : $0 }) }
}
