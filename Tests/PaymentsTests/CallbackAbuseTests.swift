import Foundation
import ShopTesting
import SokoFunctions
import SokoHost
import SokoTesting
import Synchronization
import Testing

@testable import Payments

/// The M-Pesa callback route is public: what anyone can post to it must be answered without
/// costing the shop storage, and the token in its path must not reach the access log.
@Suite("M-Pesa callback abuse")
struct CallbackAbuseTests {
    static let tables = ["payments", "mpesa_callbacks", "stripe_events", "soko_outbox", "soko_deliveries"]

    static func counts(_ shop: PaymentsShop) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for table in tables {
            counts[table] = try await shop.payments.query("SELECT COUNT(*) AS n FROM \(table)", []).first?.int("n")
        }
        return counts
    }

    static func post(_ shop: PaymentsShop, token: String, _ body: String) async -> TestResponse {
        await shop.shop.request(
            "POST", "/webhooks/mpesa/\(token)", headers: [("Content-Type", "application/json")], body: Array(body.utf8))
    }

    @Test func callbacksWithUnknownTokensAreAcknowledgedAndNotStored() async throws {
        try await PaymentsShop.with { shop in
            let order = try await shop.order()
            let reply = try await shop.pay(order, method: "mpesa", phone: "0708374149")
            let payment = try await shop.payment(reply.body.paymentID)
            let checkout = try #require(payment.checkoutRequestID)
            let before = try await Self.counts(shop)
            for index in 0..<60 {
                let token = Base64URL.encode((0..<32).map { _ in UInt8.random(in: 0...255) })
                let body =
                    switch index % 4 {
                    case 0: CallbackSamples.success(checkout: "ws_CO_\(UUID().uuidString)", amount: "1535")
                    case 1: CallbackSamples.failure(checkout: checkout, code: 1032)  // the real id, a forged token
                    case 2: CallbackSamples.success(checkout: checkout, amount: "1535")
                    default: #"{"Body":{"padding":"\#(String(repeating: "x", count: 8_000))"}}"#
                    }
                let answer = await Self.post(shop, token: token, body)
                #expect(answer.status == 200)
                #expect(answer.text == MpesaCallback.accepted)
            }
            #expect(try await Self.counts(shop) == before)
            #expect(try await shop.payment(payment.id).status == .pending)
        }
    }

    @Test func replaysWithTheRightTokenAreKeptBounded() async throws {
        try await PaymentsShop.with { shop in
            let order = try await shop.order()
            let reply = try await shop.pay(order, method: "mpesa", phone: "0708374149")
            let payment = try await shop.payment(reply.body.paymentID)
            let checkout = try #require(payment.checkoutRequestID)
            let push = try #require(shop.fake.requests(to: "/stkpush/").last)
            let url = try #require(push.jsonObject["CallBackURL"] as? String)
            let token = String(url.split(separator: "/").last!)
            for _ in 0..<(MpesaCallback.keptPerCheckout + 15) {
                let answer = await Self.post(shop, token: token, CallbackSamples.failure(checkout: checkout, code: 1032))
                #expect(answer.status == 200)
            }
            let kept = try await shop.payments.query("SELECT COUNT(*) AS n FROM mpesa_callbacks", []).first?.int("n")
            #expect(kept == MpesaCallback.keptPerCheckout)
            #expect(try await shop.payment(payment.id).status == .failed)
        }
    }

    @Test func theCallbackTokenNeverReachesTheAccessLog() async throws {
        let lines = Mutex<[String]>([])
        var configuration = TestHost.defaultConfiguration()
        configuration.accessLog = .capture { line in lines.withLock { $0.append(line) } }
        let shop = try await ShopHost.start(environment: PaymentsShop.environment, configuration: configuration)
        let token = "tok" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        let answer = await shop.request(
            "POST", "/webhooks/mpesa/\(token)", headers: [("Content-Type", "application/json"), ("X-Request-ID", "cb-log")],
            body: Array(CallbackSamples.failure(checkout: "ws_CO_x", code: 1032).utf8))
        #expect(answer.status == 200)
        #expect(await shop.shutdown())
        let logged = lines.withLock { $0 }
        let line = try #require(logged.first { $0.contains("cb-log") })
        #expect(line.contains(#""path":"/webhooks/mpesa/[redacted]""#))
        #expect(!logged.contains { $0.contains(token) })
    }
}
