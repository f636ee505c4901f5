import Foundation
import ShopTesting
import SokoFunctions
import Testing

@testable import Payments

/// `POST /guest/orders/{id}/pay`: a guest order paid with M-Pesa on the strength of its access
/// token (fake Daraja), through the callback and STK Query to `paid`; wrong tokens are 404.
@Suite("Guest payments")
struct GuestPaymentTests {
    /// Places a guest order of one product priced `price` (KES minor units); returns its id and token.
    func guestOrder(_ shop: PaymentsShop, price: Int = 123_450) async throws -> (id: String, token: String) {
        let sku = "SKU-\(UUID().uuidString.prefix(8))"
        let category = try await shop.shop.request("POST", "/categories", token: shop.admin, json: ["name": sku])
        let product = try await shop.shop.request(
            "POST", "/products", token: shop.admin,
            json: NewProduct(
                sku: sku, name: "Kikoi", description: "", price: price, currency: "KES",
                categoryID: try category.json(Identified.self).id, onHand: 10))
        let productID = try product.json(Identified.self).id
        struct Placed: Decodable {
            var id: String
            var accessToken: String
            enum CodingKeys: String, CodingKey {
                case id
                case accessToken = "access_token"
            }
        }
        let placed = try await shop.shop.request(
            "POST", "/guest/orders", headers: [("Idempotency-Key", UUID().uuidString)],
            body: Array(
                #"{"email":"guest@example.com","phone":"0708374149","shipping_address":{"name":"Akinyi","line1":"1 Moi Avenue","city":"Nairobi","country":"KE"},"items":[{"product_id":"\#(productID)","quantity":1}]}"#
                    .utf8))
        guard placed.status == 201 else { throw ShopTestError("guest order: \(placed.status) \(placed.text)") }
        let order = try placed.json(Placed.self)
        return (order.id, order.accessToken)
    }

    func pay(_ shop: PaymentsShop, _ orderID: String, token: String?) async throws -> Reply<PayOrder.Started> {
        let base = try shop.context("guestPayOrder", path: ["id": orderID])
        var headers = HTTPHeaders()
        if let token { headers.add("X-Order-Access", token) }
        let context = FunctionContext(
            requestID: "guest-pay-test", deadline: .now + .seconds(30), service: "payments", function: "guestPayOrder",
            request: FunctionRequest(method: "POST", path: "/", headers: headers, pathParameters: ["id": orderID]),
            store: base.store, invoker: base.invoker, outgoing: shop.fake, clock: .system,
            logger: Logger(label: "guest-pay-test"))
        return try await GuestPayOrder(pay: PayOrder(gateways: shop.gateways)).run(
            PayOrder.Input(method: "mpesa", phone: "0708 374 149"), context: context)
    }

    @Test func aGuestPaysWithTheAccessTokenAndTheOrderIsPaid() async throws {
        try await PaymentsShop.with { shop in
            let order = try await guestOrder(shop)
            let other = try await guestOrder(shop)
            for token in [nil, String(repeating: "A", count: 43), other.token] {
                await #expect(throws: FunctionError.self) { try await pay(shop, order.id, token: token) }
            }
            #expect(shop.fake.requests(to: "/stkpush/").isEmpty)
            // Through the router the same refusal is a 404 problem, with no sign-in involved.
            let routed = await shop.shop.request(
                "POST", "/guest/orders/\(order.id)/pay", headers: [("X-Order-Access", other.token)],
                body: Array(#"{"method":"mpesa","phone":"0708374149"}"#.utf8))
            #expect(routed.status == 404, "\(routed.text)")
            #expect(routed.problem?.code == "order-not-found")

            let reply = try await pay(shop, order.id, token: order.token)
            #expect(reply.status == 202)
            let payment = try await shop.payment(reply.body.paymentID)
            #expect(payment.customerID.hasPrefix("guest:"))
            let push = try #require(shop.fake.requests(to: "/stkpush/").last)
            #expect(push.jsonObject["Amount"] as? Int == 1535)
            let url = try #require(push.jsonObject["CallBackURL"] as? String)
            let checkout = try #require(payment.checkoutRequestID)
            let answer = await shop.shop.request(
                "POST", "/webhooks/mpesa/\(url.split(separator: "/").last!)", headers: [("Content-Type", "application/json")],
                body: Array(CallbackSamples.success(checkout: checkout, amount: "1535.00").utf8))
            #expect(answer.status == 200)
            let event = Event(
                id: "e-guest", name: "mpesa.callback_received", source: "payments", occurredAt: "",
                payload: MpesaCallbackReceived(paymentID: payment.id, checkoutRequestID: checkout))
            try await ConfirmMpesa(gateways: shop.gateways).run(event, context: shop.context("confirmMpesa"))
            #expect(try await shop.waitForOrder(order.id, status: "paid"))
            let opened = await shop.shop.request("GET", "/guest/orders/\(order.id)", headers: [("X-Order-Access", order.token)])
            #expect(opened.text.contains(#""status":"paid""#), "\(opened.text)")
        }
    }
}
