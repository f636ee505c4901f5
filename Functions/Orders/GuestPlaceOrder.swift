import Contracts
import SokoFunctions

/// `POST /guest/orders` (public) with `Idempotency-Key` and `{email, phone?, shipping_address,
/// items?, coupon_code?, delivery_zone?, payment_method?}` → 201 with the order in `pending_payment`, its `guest_email` and
/// `guest_phone`, and an `access_token` (shown once per answer) that opens it at
/// `/guest/orders/{id}` in `X-Order-Access`. Without `items` the order is the guest cart named by
/// `X-Cart-Token` (cleared on placement as a customer's cart is); one of the two is required.
///
/// Everything but the guest's contact is ``PlaceOrder``'s: the same body fields, validation,
/// pricing, coupons, stock and problems (``PlaceOrder/place(_:key:fingerprint:address:)``). The
/// order belongs to ``GuestIdentity`` of the email, so the key is scoped to the email: a retry
/// with the key and the same body answers the same order (`Idempotent-Replayed: true`) with a new
/// access token — the first one is stored only as a hash and cannot be shown again; every token
/// issued stays valid. The order-access link is mailed with the order confirmation.
struct GuestPlaceOrder: DependentRawFunction {
    let settings: OrdersSettings

    /// The `request` column of a guest order: ``PlaceOrder/Fingerprint`` plus the contact.
    struct Fingerprint: Encodable {
        var order: PlaceOrder.Fingerprint
        var guest: GuestDetails

        enum CodingKeys: String, CodingKey { case email, phone }

        func encode(to encoder: Encoder) throws {
            try order.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(guest.email, forKey: .email)
            try container.encode(guest.phone, forKey: .phone)
        }
    }

    /// The 201 body: the order and its `access_token`.
    struct Placed: Encodable {
        var order: Order
        var accessToken: String

        enum CodingKeys: String, CodingKey { case accessToken = "access_token" }

        func encode(to encoder: Encoder) throws {
            try order.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(accessToken, forKey: .accessToken)
        }
    }

    func run(_ request: FunctionRequest, context: FunctionContext) async throws -> FunctionResponse {
        let key = try PlaceOrder.idempotencyKey(request.headers.values("Idempotency-Key"))
        let (input, items, coupon) = try PlaceOrder.decode(request.body, maxQuantity: settings.maxLineQuantity)
        let guest = try GuestDetails.decode(request.body)
        let address = try input.validated()
        let delivery = try DeliveryRequest.decode(request.body)
        let cartToken = request.headers["X-Cart-Token"].flatMap { $0.isEmpty ? nil : $0 }
        guard items != nil || cartToken != nil else {
            throw FunctionError.validation([
                FieldError(field: "items", message: "is required without a guest cart (send its X-Cart-Token to order it)")
            ])
        }
        let fingerprint = String(
            decoding: try JSONCoding.encode(
                Fingerprint(
                    order: PlaceOrder.Fingerprint(
                        shippingAddress: address, items: items, couponCode: coupon, deliveryZone: delivery.zoneID,
                        paymentMethod: delivery.paymentMethod.isOnDelivery ? delivery.paymentMethod.rawValue : nil),
                    guest: guest)),
            as: UTF8.self)
        let placement = OrderPlacement(
            customerID: guest.customerID, context: context, settings: settings, items: items, couponCode: coupon,
            guest: guest, cartToken: items == nil ? cartToken : nil)
        let (order, headers) = try await PlaceOrder.place(
            placement, delivery: delivery, key: key, fingerprint: fingerprint, address: address)
        let access = try await GuestAccessTokens.issue(orderID: order.id, at: context.now, store: context.store)
        var response = try FunctionResponse.json(Placed(order: order, accessToken: access.token), status: 201)
        response.headers.add("Location", "/guest/orders/\(order.id)")
        response.headers.add("Cache-Control", "no-store")
        for field in headers { response.headers.add(field.name, field.value) }
        return response
    }
}

/// Guest orders' part of ``OrderPlacement/insert(key:request:shippingAddress:priced:)``.
enum GuestOrders {
    /// Keeps the guest's contact with the order being inserted.
    static func record(_ guest: GuestDetails, orderID: String, in transaction: Transaction) throws {
        try transaction.execute(
            "UPDATE orders SET guest_email = $2, guest_phone = $3 WHERE id = $1",
            [.text(orderID), .text(guest.email), SQLValue(guest.phone)])
    }
}
