import SokoFunctions

struct ShipOrderInput: Decodable, Sendable {
    var carrier: String?
    var trackingNumber: String?

    enum CodingKeys: String, CodingKey {
        case carrier
        case trackingNumber = "tracking_number"
    }

    /// Both fields trimmed and required; 422 naming each missing or oversized one.
    func validated() throws -> OrderTransitions.Shipment {
        var errors: [FieldError] = []
        func field(_ name: String, _ value: String?, max: Int) -> String? {
            let text = AddressRules.trimmed(value ?? "")
            if text.isEmpty {
                errors.append(FieldError(field: name, message: "is required"))
            } else if text.count > max || AddressRules.hasControlCharacters(text) {
                errors.append(FieldError(field: name, message: "must be at most \(max) printable characters"))
            }
            return text
        }
        let carrier = field("carrier", carrier, max: 100)
        let tracking = field("tracking_number", trackingNumber, max: 100)
        guard errors.isEmpty, let carrier, let tracking else { throw FunctionError.validation(errors) }
        return OrderTransitions.Shipment(carrier: carrier, trackingNumber: tracking)
    }
}

/// `POST /orders/{id}/ship` `{carrier, tracking_number}` (admin) → the shipped order; emits
/// `order.shipped` with the carrier and tracking number. 409 unless the order is `paid`.
enum ShipOrder: Function {
    static func run(_ input: ShipOrderInput, context: FunctionContext) async throws -> Order {
        let access = try OrderAccess(context)
        let shipment = try input.validated()
        guard let id = context.pathParameter("id"), OrderRepository.isOrderID(id) else { throw OrdersProblem.orderNotFound }
        return try await OrderTransitions.apply(
            orderID: id, to: .shipped, actor: access.actor, shipment: shipment, at: context.now, store: context.store)
    }
}
