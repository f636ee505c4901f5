import Contracts
import SokoFunctions

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `POST /orders/{id}/pay` (the order's owner): starts a payment of an order awaiting payment.
///
/// - `{method: "mpesa", phone}` → 202 `{payment_id, status: "pending", method, checkout_request_id,
///   customer_message}`: an STK push is on its way to the phone; the outcome arrives by callback
///   (or ``ReconcileMpesa``). KES only; the amount is the order total rounded **up** to whole
///   shillings (Daraja takes whole numbers; rounding down would under-charge).
/// - `{method: "stripe"}` → 201 `{payment_id, status: "pending", method, payment_intent_id,
///   client_secret}` for Stripe.js to confirm; a pending Stripe payment of the order is reused
///   (200, same intent), so the browser can ask again safely.
///
/// The payment row is written (pending) before the gateway is called, and never inside a
/// transaction that spans the call. Problems: 404 `order-not-found` (missing or someone else's),
/// 409 `order-not-payable`, 409 `payment-pending` (an M-Pesa push is still waiting; `Location`
/// names it), 422 for the phone, method or currency, 502 `mpesa-refused`/`stripe-refused`,
/// 503 `gateway-unavailable`.
struct PayOrder: DependentFunction {
    let gateways: Gateways

    struct Input: Decodable, Sendable {
        var method: String
        var phone: String?
    }

    /// The started payment (201), or the pending one already started (200).
    struct Started: Encodable, Sendable {
        var paymentID: String
        var status: PaymentStatus
        var method: PaymentMethod
        var checkoutRequestID: String?
        var customerMessage: String?
        var paymentIntentID: String?
        var clientSecret: String?
        enum CodingKeys: String, CodingKey {
            case status, method
            case paymentID = "payment_id"
            case checkoutRequestID = "checkout_request_id"
            case customerMessage = "customer_message"
            case paymentIntentID = "payment_intent_id"
            case clientSecret = "client_secret"
        }
    }

    func run(_ input: Input, context: FunctionContext) async throws -> Reply<Started> {
        guard let customer = context.identity?.subject else { throw FunctionError.unauthorized("sign in to pay") }
        return try await start(input, customerID: customer, accessToken: nil, context: context)
    }

    /// Starts the payment of the path's order, which must be `customerID`'s or be opened by the
    /// guest's `accessToken` (``GuestPayOrder``).
    func start(_ input: Input, customerID customer: String?, accessToken: String?, context: FunctionContext) async throws
        -> Reply<Started>
    {
        guard let method = PaymentMethod(rawValue: input.method) else {
            throw FunctionError.validation([FieldError(field: "method", message: "must be \"mpesa\" or \"stripe\"")])
        }
        guard gateways.settings.methods.contains(method) else {
            let offered = gateways.settings.methods.map { "\"\($0.rawValue)\"" }.sorted().joined(separator: " or ")
            throw FunctionError.validation([FieldError(field: "method", message: "this shop takes \(offered)")])
        }
        var phone: MpesaPhone?
        if method == .mpesa {
            guard let number = input.phone.flatMap(MpesaPhone.init) else {
                throw FunctionError.validation([
                    FieldError(field: "phone", message: "must be a Kenyan mobile number such as 0712345678 or +254712345678")
                ])
            }
            phone = number
        }
        guard let orderID = context.pathParameter("id"), !orderID.isEmpty, orderID.utf8.count <= 64 else {
            throw PaymentsProblem.orderNotFound
        }
        let order = try await OrderLookup.order(orderID, customerID: customer, accessToken: accessToken, context: context)
        guard order.status == "pending_payment" else { throw PaymentsProblem.notPayable(order.status) }
        switch method {
        case .mpesa:
            return try await MpesaPayment.start(order: order, phone: phone!, context: context, gateways: gateways)
        case .stripe:
            return try await StripePayment.start(order: order, context: context, gateways: gateways)
        }
    }

    /// Inserts a pending payment; on the one-pending-per-order-and-method constraint returns the
    /// pending one instead (`inserted` false).
    static func insertPending(
        order: OrderPaymentDetails, method: PaymentMethod, amount: Int, extra: [String: SQLValue], context: FunctionContext
    ) async throws -> (payment: Payment, inserted: Bool) {
        let id = UUID().uuidString.lowercased()
        let now = context.now.timestamp
        var columns = ["id", "order_id", "customer_id", "method", "status", "amount", "currency", "created_at", "updated_at"]
        var values: [SQLValue] = [
            .text(id), .text(order.id), .text(order.customerID), .text(method.rawValue), .text("pending"), SQLValue(amount),
            .text(order.currency), .text(now), .text(now),
        ]
        for (column, value) in extra.sorted(by: { $0.key < $1.key }) {
            columns.append(column)
            values.append(value)
        }
        let placeholders = (1...values.count).map { "$\($0)" }.joined(separator: ", ")
        do {
            try await context.store.execute(
                "INSERT INTO payments (\(columns.joined(separator: ", "))) VALUES (\(placeholders))", values)
        } catch StoreError.uniqueViolation {
            if let pending = try await PaymentRepository.pending(orderID: order.id, method: method, in: context.store) {
                return (pending, false)
            }
            // The pending one finished between the insert and this read: the caller may simply retry.
            throw FunctionError.conflict("another payment of this order changed meanwhile; try again", code: "payment-conflict")
        }
        guard let payment = try await PaymentRepository.find(id: id, in: context.store) else {
            throw PaymentsProblem.paymentNotFound
        }
        return (payment, true)
    }
}

/// The gateway clients a handler uses (built once, at registration).
struct Gateways: Sendable {
    let settings: PaymentsSettings
    let daraja: DarajaClient
    let stripe: StripeClient

    init(settings: PaymentsSettings) {
        self.settings = settings
        daraja = DarajaClient(settings: settings, tokens: DarajaTokenCache())
        stripe = StripeClient(settings: settings)
    }
}
