import Contracts
import Foundation
import ShopTesting
import SokoFunctions
import SokoTesting
import Testing

@testable import Orders

// Shortcuts and wire shapes of the guest-order tests.

/// Polls `condition` until it holds or 20 seconds pass; returns whether it held.
func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + .seconds(20)
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(25))
    }
    return try await condition()
}

extension OrdersShop {
    func guestOrder(_ body: GuestOrderBody, key: String = UUID().uuidString, headers: [(String, String)] = [])
        async throws -> TestResponse
    {
        try await shop.request("POST", "/guest/orders", headers: [("Idempotency-Key", key)] + headers, json: body)
    }

    func guestGet(_ id: String, token: String?) async -> TestResponse {
        await shop.request("GET", "/guest/orders/\(id)", headers: token.map { [("X-Order-Access", $0)] } ?? [])
    }

    func myOrders(_ token: String) async throws -> [OrderDocument] {
        let response = await shop.request("GET", "/orders", token: token)
        guard response.status == 200 else { throw ShopTestError("list: \(response.status) \(response.text)") }
        return try response.json(OrderList.self).orders
    }
}

struct GuestOrderBody: Encodable {
    struct Item: Encodable {
        var productID: String
        var quantity: Int
        init(_ productID: String, _ quantity: Int) {
            self.productID = productID
            self.quantity = quantity
        }
        enum CodingKeys: String, CodingKey {
            case productID = "product_id"
            case quantity
        }
    }
    var email: String?
    var phone: String? = nil
    var shippingAddress = OrdersShop.address
    var items: [Item]?
    var couponCode: String? = nil
    var deliveryZone: String? = nil
    var paymentMethod: String? = nil
    enum CodingKeys: String, CodingKey {
        case email, phone, items
        case shippingAddress = "shipping_address"
        case couponCode = "coupon_code"
        case deliveryZone = "delivery_zone"
        case paymentMethod = "payment_method"
    }
}

struct GuestZone: Encodable {
    var id: String
    var name: String
    var fee: Int
    var currency: String
    var cashOnDelivery: Bool
    enum CodingKeys: String, CodingKey {
        case id, name, fee, currency
        case cashOnDelivery = "cash_on_delivery"
    }
}

struct GuestOrderDocument: Decodable {
    var id: String
    var customerID: String
    var status: String
    var total: Int
    var discount: Int
    var lines: [OrderDocument.Line]
    var guestEmail: String?
    var guestPhone: String?
    var accessToken: String
    enum CodingKeys: String, CodingKey {
        case id, status, total, discount, lines
        case customerID = "customer_id"
        case guestEmail = "guest_email"
        case guestPhone = "guest_phone"
        case accessToken = "access_token"
    }
    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        customerID = try container.decode(String.self, forKey: .customerID)
        status = try container.decode(String.self, forKey: .status)
        total = try container.decode(Int.self, forKey: .total)
        discount = try container.decode(Int.self, forKey: .discount)
        lines = try container.decode([OrderDocument.Line].self, forKey: .lines)
        guestEmail = try container.decodeIfPresent(String.self, forKey: .guestEmail)
        guestPhone = try container.decodeIfPresent(String.self, forKey: .guestPhone)
        accessToken = try container.decodeIfPresent(String.self, forKey: .accessToken) ?? ""
    }
}

struct CartLines: Decodable {
    struct Line: Decodable { var quantity: Int }
    var items: [Line]
}

extension TestResponse {
    /// A guest order document (without `access_token` when the answer is not the placement's).
    func json(_: GuestOrderDocument.Type, allowMissingToken: Bool) throws -> GuestOrderDocument {
        try json(GuestOrderDocument.self)
    }
}
