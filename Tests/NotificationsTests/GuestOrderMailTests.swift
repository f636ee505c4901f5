import Foundation
import ShopTesting
import SokoFunctions
import SokoHost
import SokoTesting
import Testing

/// A guest's order confirmation end to end: the mail (read by Python's `email` package) carries
/// the order-access link, the link's token opens the order, and registering with the guest's
/// email claims the orders only once the mailed verification link is used — on SQLite and on
/// PostgreSQL.
@Suite("Guest order mail and claim")
struct GuestOrderMailTests {
    static let publicURL = "https://duka.test"

    @Test func theMailedLinkOpensTheOrderAndVerificationClaimsIt() async throws {
        let shop = try await NotifyShop.start(environment: ["SOKO_PUBLIC_URL": Self.publicURL])
        try await journey(shop)
        #expect(await shop.shutdown())
    }

    @Test func theJourneyWorksOnPostgreSQL() async throws {
        guard let configuration = ShopHost.postgresConfiguration() else {
            if ShopHost.inCI { Issue.record("SOKO_TEST_POSTGRES_URL is not set") }
            return
        }
        let shop = try await NotifyShop.start(environment: ["SOKO_PUBLIC_URL": Self.publicURL], configuration: configuration)
        try await journey(shop)
        #expect(await shop.shutdown())
    }

    func journey(_ shop: ShopHost) async throws {
        let email = "akinyi.guest@example.com"
        let admin = try await shop.admin()
        let category = try await shop.request("POST", "/categories", token: admin, json: ["name": "Cloth"])
        let product = try await shop.request(
            "POST", "/products", token: admin,
            json: NewProduct(
                sku: "KIKOI", name: "Kikoi <striped>", description: "", price: 150_000, currency: "KES",
                categoryID: try category.json(Identified.self).id, onHand: 10))
        let productID = try product.json(Identified.self).id
        let body =
            #"{"email":"Akinyi.Guest@example.com","phone":"0712345678","shipping_address":{"name":"Akinyi Otieno","line1":"1 Moi Avenue","city":"Nairobi","country":"KE"},"items":[{"product_id":"\#(productID)","quantity":1}]}"#
        let placed = await shop.request(
            "POST", "/guest/orders", headers: [("Idempotency-Key", UUID().uuidString)], body: Array(body.utf8))
        #expect(placed.status == 201, "\(placed.text)")
        struct Placed: Decodable { var id: String }
        let orderID = try placed.json(Placed.self).id

        // The confirmation goes to the guest's address, with the link.
        let (url, mail) = try await Self.orderLink(shop, to: email)
        #expect(url.hasPrefix("\(Self.publicURL)/orders/access/"))
        #expect(mail.subject.hasPrefix("We received your order"))
        #expect(mail.part("text/plain")?.content.contains("Akinyi Otieno") == true)
        let token = String(url.dropFirst("\(Self.publicURL)/orders/access/".count))
        let opened = await shop.request("GET", "/guest/orders/\(orderID)", headers: [("X-Order-Access", token)])
        #expect(opened.status == 200, "\(opened.text)")

        // Registering with the address claims nothing until it is verified.
        let session = try await AccountRecoveryTests.register(shop, email)
        let stranger = try await shop.customer("stranger@example.com")
        #expect(try await Self.orderIDs(shop, session.accessToken).isEmpty)
        let (_, verification, _) = try await AccountRecoveryTests.link(shop, kind: "email_verification", to: email)
        #expect(try await Self.orderIDs(shop, session.accessToken).isEmpty)
        #expect(try await shop.request("POST", "/users/verify-email", json: ["token": verification]).status == 204)
        var mine: [String] = []
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            mine = try await Self.orderIDs(shop, session.accessToken)
            if !mine.isEmpty { break }
            try await Task.sleep(for: .milliseconds(25))
        }
        #expect(mine == [orderID])
        #expect(try await Self.orderIDs(shop, stranger).isEmpty)
        #expect(await shop.request("GET", "/orders/\(orderID)", token: stranger).status == 404)
    }

    /// Waits for the guest's order confirmation and returns its order-access link.
    static func orderLink(_ shop: ShopHost, to recipient: String) async throws -> (url: String, mail: ParsedMail) {
        var files: [String] = []
        _ = try await HostTransportTests.eventually {
            files = try await AccountRecoveryTests.mails(shop, kind: "order_confirmation", to: recipient)
            return !files.isEmpty
        }
        let file = try #require(files.first, "no order confirmation to \(recipient)")
        let mail = try await MailOracle.parse(file: file)
        let text = try #require(mail.part("text/plain")?.content)
        let line = try #require(text.split(whereSeparator: \.isNewline).first { $0.hasPrefix(publicURL) })
        let url = String(line).trimmingCharacters(in: .whitespaces)
        #expect(mail.part("text/html")?.content.contains("href=\"\(url)\"") == true)
        return (url, mail)
    }

    static func orderIDs(_ shop: ShopHost, _ token: String) async throws -> [String] {
        struct Page: Decodable {
            struct Item: Decodable { var id: String }
            var items: [Item]
        }
        let response = await shop.request("GET", "/orders", token: token)
        guard response.status == 200 else { throw ShopTestError("orders: \(response.status) \(response.text)") }
        return try response.json(Page.self).items.map(\.id)
    }
}
