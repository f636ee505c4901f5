import SokoFunctions

/// The Payments service's own problems.
enum PaymentsProblem {
    static let orderNotFound = FunctionError.notFound("no such order", code: "order-not-found")
    static let paymentNotFound = FunctionError.notFound("no such payment", code: "payment-not-found")

    static func notPayable(_ status: String) -> FunctionError {
        FunctionError(
            status: 409, code: "order-not-payable", detail: "the order is \(status); only an order awaiting payment can be paid",
            errors: [FieldError(field: "status", message: "is \(status)")])
    }

    /// A payment of this order by this method is still waiting for its outcome; `Location` names it.
    static func pending(_ payment: Payment) -> FunctionError {
        FunctionError(
            status: 409, code: "payment-pending",
            detail: "payment \(payment.id) of this order is still waiting for the customer; "
                + "try again once it has succeeded or failed",
            headers: ["Location": "/payments/\(payment.id)"])
    }

    static func gatewayRefused(_ gateway: String, _ detail: String) -> FunctionError {
        FunctionError(status: 502, code: "\(gateway)-refused", detail: "\(gateway) refused the request: \(detail)")
    }

    static func gatewayUnavailable(_ gateway: String) -> FunctionError {
        FunctionError(
            status: 503, code: "gateway-unavailable",
            detail: "\(gateway) could not be reached; try again in a moment", headers: ["Retry-After": "5"])
    }

    /// The gateway did not answer a request it may have carried out; `Location` names the payment,
    /// which stays pending until its outcome is known (or it expires).
    static func outcomeUnknown(_ gateway: String, _ payment: Payment) -> FunctionError {
        FunctionError(
            status: 503, code: "gateway-unavailable",
            detail: "\(gateway) did not answer; payment \(payment.id) stays pending until its outcome is known — "
                + "complete the prompt if one reached your phone",
            headers: ["Retry-After": "5", "Location": "/payments/\(payment.id)"])
    }
}
