import SokoFunctions

/// The delivery part of `POST /orders`: `delivery_zone` (a zone id) and `payment_method`
/// (`online`, the default, `cash_on_delivery` or `mpesa_on_delivery`).
///
/// Once the shop has an active delivery zone every order must choose one (422
/// `delivery-zone-required`); a shop without zones prices shipping flat (`SOKO_SHIPPING_FLAT`) as
/// before. Paying on delivery needs a zone that allows it (422 `payment-method-unavailable`).
struct DeliveryRequest: Equatable, Sendable {
    var zoneID: String?
    var paymentMethod: PaymentMethod

    private struct Body: Decodable {
        var deliveryZone: String?
        var paymentMethod: String?
        enum CodingKeys: String, CodingKey {
            case deliveryZone = "delivery_zone"
            case paymentMethod = "payment_method"
        }
    }

    /// The two fields of an order body (already known to be JSON); 422 naming a bad one.
    static func decode(_ body: [UInt8]) throws -> DeliveryRequest {
        let parsed: Body
        do {
            parsed = try JSONCoding.decode(Body.self, from: body)
        } catch let error as DecodingError {
            throw BodyProblem(error)
        }
        var errors: [FieldError] = []
        if let zone = parsed.deliveryZone, !DeliveryZone.isID(zone) {
            errors.append(FieldError(field: "delivery_zone", message: "must be a delivery zone id (GET /delivery-zones)"))
        }
        let method = parsed.paymentMethod.map { PaymentMethod(rawValue: $0) } ?? .online
        if method == nil {
            let names = PaymentMethod.allCases.map(\.rawValue).joined(separator: ", ")
            errors.append(FieldError(field: "payment_method", message: "must be one of \(names)"))
        }
        guard errors.isEmpty, let method else { throw FunctionError.validation(errors) }
        return DeliveryRequest(zoneID: parsed.deliveryZone, paymentMethod: method)
    }

    /// The zone and method this request chooses, checked against the shop's zones now.
    func resolved(in store: Store) async throws -> DeliveryChoice? {
        guard let zoneID else {
            guard try await !DeliveryZone.anyActive(in: store) else {
                throw FunctionError(
                    status: 422, code: "delivery-zone-required",
                    detail: "choose where the order goes: delivery_zone, one of GET /delivery-zones",
                    errors: [FieldError(field: "delivery_zone", message: "is required")])
            }
            guard !paymentMethod.isOnDelivery else { throw Self.unavailable("this shop has no delivery zones") }
            return nil
        }
        guard let zone = try await DeliveryZone.find(id: zoneID, in: store), zone.active else {
            throw FunctionError(
                status: 422, code: "delivery-zone-unknown", detail: "\(zoneID) is not a delivery zone this shop serves",
                errors: [FieldError(field: "delivery_zone", message: "is not an active delivery zone")])
        }
        guard !paymentMethod.isOnDelivery || zone.cashOnDelivery else {
            throw Self.unavailable("\(zone.name) does not take payment on delivery; pay online")
        }
        return DeliveryChoice(zone: zone, paymentMethod: paymentMethod)
    }

    static func unavailable(_ detail: String) -> FunctionError {
        FunctionError(
            status: 422, code: "payment-method-unavailable", detail: detail,
            errors: [
                FieldError(
                    field: "payment_method",
                    message: "is not taken for this delivery zone: pay online, or choose a zone that takes it")
            ])
    }
}

/// A zone chosen for an order and how it will be paid.
struct DeliveryChoice: Sendable, Equatable {
    var zone: DeliveryZone
    var paymentMethod: PaymentMethod

    /// The settings an order to this zone is priced with: the zone's fee as the flat shipping,
    /// waived from its `free_above` (never, without one). ``OrderTotals`` applies it to the
    /// discounted subtotal, before VAT — so VAT covers delivery too.
    func pricing(_ settings: OrdersSettings) -> OrdersSettings {
        var priced = settings
        priced.shippingFlat = zone.fee
        priced.freeShippingFrom = zone.freeAbove ?? .max
        return priced
    }

    /// 422 `delivery-zone-currency-mismatch` when the goods are priced in another currency than the fee.
    func check(currency: String) throws {
        guard currency == zone.currency else {
            throw OrderPlacement.Refusal(
                problem: StoredProblem(
                    status: 422, code: "delivery-zone-currency-mismatch",
                    detail: "\(zone.name) charges delivery in \(zone.currency); this order is in \(currency)",
                    errors: [FieldError(field: "delivery_zone", message: "charges in \(zone.currency)")]))
        }
    }

    /// Copies the zone and the method onto the order (inside the transaction that inserts it).
    func record(orderID: String, in transaction: Transaction) throws {
        try transaction.execute(
            """
            UPDATE orders SET delivery_zone_id = $2, delivery_zone_name = $3, delivery_pickup = $4, payment_method = $5
            WHERE id = $1
            """,
            [
                .text(orderID), .text(zone.id), .text(zone.name), SQLValue(zone.pickup),
                paymentMethod.isOnDelivery ? .text(paymentMethod.rawValue) : .null,
            ])
    }
}
