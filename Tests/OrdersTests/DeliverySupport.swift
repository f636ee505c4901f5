import Contracts
import Foundation
import ShopTesting
import SokoFunctions
import SokoTesting
import Testing

@testable import Orders

// Shortcuts and wire shapes of the delivery tests.

extension OrdersShop {
    func zone(_ json: String) async throws -> TestResponse {
        await shop.request("POST", "/admin/delivery-zones", token: admin, body: Array(json.utf8))
    }

    /// Nairobi CBD (200 KES, free from 5 000, pay on delivery), upcountry (600 KES, online only)
    /// and a pickup station (100 KES, pay on delivery).
    func standardZones() async throws {
        for body in [
            #"{"id": "cbd", "name": "Nairobi CBD", "fee": 20000, "currency": "KES", "free_above": 500000, "cash_on_delivery": true}"#,
            #"{"id": "upcountry", "name": "Upcountry", "fee": 60000, "currency": "KES"}"#,
            #"{"id": "pickup", "name": "Pickup station", "fee": 10000, "currency": "KES", "pickup": true, "cash_on_delivery": true}"#,
        ] {
            let response = try await zone(body)
            guard response.status == 201 else { throw ShopTestError("zone: \(response.status) \(response.text)") }
        }
    }

    func deliveryOrder(
        _ token: String, zone: String?, method: String? = nil, coupon: String? = nil, key: String = UUID().uuidString
    ) async throws -> TestResponse {
        try await shop.request(
            "POST", "/orders", token: token, headers: [("Idempotency-Key", key)],
            json: DeliveryOrderBody(
                shippingAddress: OrdersShop.address, deliveryZone: zone, paymentMethod: method, couponCode: coupon))
    }

    func collect(_ orderID: String, _ json: String) async -> TestResponse {
        await shop.request("POST", "/admin/orders/\(orderID)/collect", token: admin, body: Array(json.utf8))
    }
}

struct DeliveryOrderBody: Encodable {
    var shippingAddress: AddressBody
    var deliveryZone: String?
    var paymentMethod: String?
    var couponCode: String?
    enum CodingKeys: String, CodingKey {
        case shippingAddress = "shipping_address"
        case deliveryZone = "delivery_zone"
        case paymentMethod = "payment_method"
        case couponCode = "coupon_code"
    }
}

struct ZoneDocument: Decodable, Equatable {
    var id: String
    var name: String
    var fee: Int
    var currency: String
    var freeAbove: Int?
    var pickup: Bool
    var cashOnDelivery: Bool
    var active: Bool
    enum CodingKeys: String, CodingKey {
        case id, name, fee, currency, pickup, active
        case freeAbove = "free_above"
        case cashOnDelivery = "cash_on_delivery"
    }
}

struct ZoneList: Decodable { var items: [ZoneDocument] }

struct PaymentStatus: Decodable { var status: String }

struct DeliveryOrder: Decodable {
    struct Delivery: Decodable, Equatable {
        var zone: String
        var name: String
        var fee: Int
        var pickup: Bool
    }
    var id: String
    var status: String
    var subtotal: Int
    var discount: Int
    var shipping: Int
    var tax: Int
    var total: Int
    var delivery: Delivery?
    var paymentMethod: String
    enum CodingKeys: String, CodingKey {
        case id, status, subtotal, discount, shipping, tax, total, delivery
        case paymentMethod = "payment_method"
    }
}

struct Timeline: Decodable {
    struct Entry: Decodable {
        var from: String?
        var to: String
        var at: String
        var actor: String
        var actorID: String?
        var reason: String?
        enum CodingKeys: String, CodingKey {
            case from, to, at, actor, reason
            case actorID = "actor_id"
        }
    }
    var orderID: String
    var status: String
    var items: [Entry]
    enum CodingKeys: String, CodingKey {
        case status, items
        case orderID = "order_id"
    }
}
