import SokoFunctions

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `POST /orders` with `Idempotency-Key` and `{shipping_address, items?, coupon_code?}` → 201 with the
/// order in `pending_payment`. Without `items` the order is the customer's cart (which `order.placed` then
/// clears); with `items: [{product_id, quantity}]` it is exactly those ("buy now"), and the cart is
/// left alone. With `coupon_code` (case-insensitive) the order carries the coupon's `discount`, or
/// is refused with 422 `coupon-invalid`, `coupon-expired`, `coupon-exhausted` or
/// `coupon-minimum-not-met` (``CouponRedemption``). With `delivery_zone` the shipping is the zone's
/// fee, and `payment_method: cash_on_delivery | mpesa_on_delivery` places the order `confirmed`
/// instead (``DeliveryRequest``, ``DeliveryChoice``).
///
/// The key is held by the unique `(customer_id, idempotency_key)` constraint: the request inserts
/// its order first and, when the constraint refuses it, carries on with the order that holds the
/// key instead (a retry, or a concurrent duplicate). Every request with the key therefore ends
/// with the same order: 201 with it (and `Idempotent-Replayed: true` for all but the request that
/// created it), or the same stored problem when it was rejected. A repeat with a different body is
/// refused with 422 `idempotency-key-reused`.
struct PlaceOrder: DependentRawFunction {
    let settings: OrdersSettings

    struct Body: Decodable {
        var shippingAddress: ShippingAddressInput?
        var items: [RequestedItem]?
        var couponCode: String?
        enum CodingKeys: String, CodingKey {
            case shippingAddress = "shipping_address"
            case items
            case couponCode = "coupon_code"
        }
    }

    /// One line of a "buy now" order.
    struct RequestedItem: Codable, Sendable, Equatable {
        var productID: String
        /// The variant, for a product sold as variants (left out of the fingerprint otherwise).
        var variantID: String? = nil
        var quantity: Int
        enum CodingKeys: String, CodingKey {
            case productID = "product_id"
            case variantID = "variant_id"
            case quantity
        }

        init(productID: String, variantID: String? = nil, quantity: Int) {
            self.productID = productID
            self.variantID = variantID
            self.quantity = quantity
        }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            productID = try container.decode(String.self, forKey: .productID)
            variantID = try container.decodeIfPresent(String.self, forKey: .variantID)
            quantity = try container.decode(WholeNumber.self, forKey: .quantity).value
        }
    }

    /// Lines per order at most (as many as a cart holds).
    static let maximumItems = 100

    /// What the order's `request` column holds: the validated input, canonical JSON.
    struct Fingerprint: Codable {
        var shippingAddress: ShippingAddress
        var items: [RequestedItem]?
        /// Normalised; absent without a coupon (so fingerprints of orders without one are unchanged).
        var couponCode: String?
        /// Absent without a zone, and without payment on delivery.
        var deliveryZone: String?
        var paymentMethod: String?
        enum CodingKeys: String, CodingKey {
            case shippingAddress = "shipping_address"
            case items
            case couponCode = "coupon_code"
            case deliveryZone = "delivery_zone"
            case paymentMethod = "payment_method"
        }
    }

    func run(_ request: FunctionRequest, context: FunctionContext) async throws -> FunctionResponse {
        guard let customerID = context.identity?.subject else {
            throw FunctionError.unauthorized("sign in to place an order")
        }
        let key = try Self.idempotencyKey(request.headers.values("Idempotency-Key"))
        let (input, items, coupon) = try Self.decode(request.body, maxQuantity: settings.maxLineQuantity)
        let address = try input.validated()
        let delivery = try DeliveryRequest.decode(request.body)
        let fingerprint = String(
            decoding: try JSONCoding.encode(
                Fingerprint(
                    shippingAddress: address, items: items, couponCode: coupon, deliveryZone: delivery.zoneID,
                    paymentMethod: delivery.paymentMethod.isOnDelivery ? delivery.paymentMethod.rawValue : nil)),
            as: UTF8.self)

        let placement = OrderPlacement(
            customerID: customerID, context: context, settings: settings, items: items, couponCode: coupon)
        let (order, headers) = try await Self.place(
            placement, delivery: delivery, key: key, fingerprint: fingerprint, address: address)
        var response = try FunctionResponse.json(order, status: 201)
        response.headers.add("Location", "/orders/\(order.id)")
        for field in headers { response.headers.add(field.name, field.value) }
        return response
    }

    /// The part of placing an order that customers' and guests' orders share (``GuestPlaceOrder``):
    /// the key's order found or inserted (with `delivery` resolved for a new one), carried as far as
    /// it goes, and answered — the order in `pending_payment` or later with the headers to send
    /// (`Idempotent-Replayed` on a repeat), or the order's problem thrown. `base` is the placement
    /// without its delivery choice.
    static func place(
        _ base: OrderPlacement, delivery: DeliveryRequest, key: String, fingerprint: String, address: ShippingAddress
    ) async throws -> (order: Order, headers: HTTPHeaders) {
        let customerID = base.customerID
        let context = base.context
        let settings = base.settings
        var existing = try await OrderRepository.find(customerID: customerID, idempotencyKey: key, in: context.store)
        // The zone is checked while the order is still to be placed (a replay of a placed order
        // answers it even if the zone has closed since).
        let choice = existing.map { $0.status != .placing } == true ? nil : try await delivery.resolved(in: context.store)
        var placement = OrderPlacement(
            customerID: customerID, context: context, settings: choice?.pricing(settings) ?? settings, items: base.items,
            couponCode: base.couponCode, delivery: choice)
        placement.guest = base.guest
        placement.cartToken = base.cartToken
        var created = false
        if existing == nil {
            // Fails fast for a customer at the pending cap (``OrderPlacement/insert`` decides, locked).
            try await PendingOrders.check(customerID: customerID, limit: settings.maxPendingOrders, store: context.store)
            // A new key: price first (reads only), then insert the order with its snapshot — or with
            // its refusal — in one transaction. The unique constraint decides between duplicates.
            let priced: Result<OrderPlacement.Priced, OrderPlacement.Refusal>
            do {
                priced = .success(try await placement.price())
            } catch let refusal as OrderPlacement.Refusal {
                priced = .failure(refusal)
            }
            do {
                existing = try await placement.insert(
                    key: key, request: fingerprint,
                    shippingAddress: String(decoding: try JSONCoding.encode(address), as: UTF8.self), priced: priced)
                created = true
            } catch StoreError.uniqueViolation {
                existing = try await OrderRepository.find(customerID: customerID, idempotencyKey: key, in: context.store)
            }
        }
        guard let existing else {
            throw FunctionError(status: 500, code: "order-missing", detail: "the order for this Idempotency-Key vanished")
        }
        var headers = HTTPHeaders()
        if !created {
            headers.add("Idempotent-Replayed", "true")
            guard existing.request == fingerprint else {
                throw FunctionError(
                    status: 422, code: "idempotency-key-reused",
                    detail: "this Idempotency-Key was already used for a different request; use a new key for a new order",
                    headers: headers)
            }
        }
        let order = try await placement.complete(existing)
        switch order.status {
        case .rejected:
            throw (order.failure ?? StoredProblem(status: 409, code: "order-rejected", detail: "the order was refused"))
                .error(headers: headers)
        case .placing:
            headers.add("Retry-After", "1")
            throw FunctionError(
                status: 409, code: "order-in-progress", detail: "the order is still being placed; repeat the request",
                headers: headers)
        default:
            return (order, headers)
        }
    }

    /// One key (a header sent twice must repeat the same value: two different keys would leave it
    /// to chance which one guards the order); 400 otherwise.
    static func idempotencyKey(_ values: [String]) throws -> String {
        guard Set(values).count <= 1 else {
            throw FunctionError.badRequest(
                "send one Idempotency-Key header; this request carries \(Set(values).count) different ones",
                code: "idempotency-key-invalid")
        }
        return try Self.idempotencyKey(values.first)
    }

    /// 1 to 255 printable ASCII characters; 400 otherwise.
    static func idempotencyKey(_ value: String?) throws -> String {
        guard let value, !value.isEmpty else {
            throw FunctionError.badRequest(
                "an Idempotency-Key header is required (a unique value per order, reused on retries)",
                code: "idempotency-key-required")
        }
        guard value.utf8.count <= 255, value.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) else {
            throw FunctionError.badRequest(
                "the Idempotency-Key must be 1 to 255 printable ASCII characters", code: "idempotency-key-invalid")
        }
        return value
    }

    static func decode(_ body: [UInt8], maxQuantity: Int) throws -> (ShippingAddressInput, [RequestedItem]?, String?) {
        guard !body.isEmpty else {
            throw FunctionError(status: 400, code: "body-required", detail: "this endpoint needs a JSON request body")
        }
        let parsed: Body
        do {
            parsed = try JSONCoding.decode(Body.self, from: body)
        } catch let error as DecodingError {
            throw BodyProblem(error)
        }
        guard let address = parsed.shippingAddress else {
            throw FunctionError.validation([FieldError(field: "shipping_address", message: "is required")])
        }
        var coupon: String?
        if let text = parsed.couponCode {
            let code = Coupon.normalised(text)
            guard Coupon.isCode(code) else {
                throw FunctionError(
                    status: 422, code: "coupon-invalid",
                    detail: "coupon_code must be 3 to 32 letters, digits, dashes or underscores",
                    errors: [FieldError(field: "coupon_code", message: "is not a coupon code")])
            }
            coupon = code
        }
        guard let items = parsed.items else { return (address, nil, coupon) }
        var errors: [FieldError] = []
        if items.isEmpty || items.count > maximumItems {
            errors.append(
                FieldError(field: "items", message: "must hold 1 to \(maximumItems) lines (or be left out to order the cart)"))
        }
        var seen = Set<String>()
        for (index, item) in items.enumerated() {
            if item.productID.isEmpty || item.productID.unicodeScalars.count > 64
                || AddressRules.hasControlCharacters(item.productID)
            {
                errors.append(FieldError(field: "items[\(index)].product_id", message: "must be a product id"))
            } else if let variantID = item.variantID,
                variantID.isEmpty || variantID.unicodeScalars.count > 64 || AddressRules.hasControlCharacters(variantID)
            {
                errors.append(FieldError(field: "items[\(index)].variant_id", message: "must be a variant id"))
            } else if !seen.insert(item.productID + "/" + (item.variantID ?? "")).inserted {
                errors.append(FieldError(field: "items[\(index)].product_id", message: "is listed twice"))
            }
            if !(1...maxQuantity).contains(item.quantity) {
                errors.append(FieldError(field: "items[\(index)].quantity", message: "must be 1 to \(maxQuantity)"))
            }
        }
        guard errors.isEmpty else { throw FunctionError.validation(errors) }
        return (address, items, coupon)
    }
}

/// A body that is not JSON (400) or not the expected shape (422, naming the field).
struct BodyProblem: ProblemConvertible {
    let problem: Problem

    init(_ error: DecodingError) {
        func path(_ keys: [CodingKey]) -> String {
            keys.reduce(into: "") { text, key in
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
        }
        let field: String
        let message: String
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            field = path(context.codingPath)
            message = "has the wrong type"
        case .keyNotFound(let key, let context):
            field = path(context.codingPath + [key])
            message = "is required"
        case .dataCorrupted(let context) where !context.codingPath.isEmpty:
            field = path(context.codingPath)
            message = "is not valid"
        default:
            problem = Problem(status: 400, code: "malformed-json", detail: "the request body is not valid JSON")
            return
        }
        let name = field.isEmpty ? "body" : field
        problem = Problem(
            status: 422, code: "validation-failed", detail: "\(name) \(message)",
            errors: [FieldError(field: name, message: message)])
    }
}
