import Foundation
import ShopTesting
import SokoFunctions
import SokoHost
import SokoOutbound
import SokoTesting
import Synchronization
import Testing

@testable import Orders

/// A real crash: `soko serve` is killed with SIGKILL while orders are being placed. After a
/// restart and the expiry schedule's run, no stock is held for an order that does not stand.
@Suite("Orders survive a killed process")
struct CrashTests {
    static let environment = ["SOKO_ARGON2_MEMORY_KIB": "1024", "SOKO_TOKEN_ISSUER": "https://soko.test"]

    static func configuration(_ folder: String) -> HostConfiguration {
        HostConfiguration(accessLog: .discard, store: StoreConfiguration(backend: .sqlite(directory: folder)))
    }

    @Test func killedMidOrdersLeavesNoOrphanReservationAfterExpiry() async throws {
        let binary = ShopHost.repository + "/.build/debug/soko"
        try #require(FileManager.default.isExecutableFile(atPath: binary), "build the soko executable first (swift build)")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("soko-crash-\(UUID().uuidString)").path

        // The shop's data: a product with stock, three customers with tokens.
        var shop = try await ShopHost.start(environment: Self.environment, configuration: Self.configuration(folder))
        let admin = try await shop.admin()
        let category = try await shop.request("POST", "/categories", token: admin, json: ["name": "Kitchen"])
        let categoryID = try #require(try JSONSerialization.jsonObject(with: Data(category.body)) as? [String: Any])["id"]
        let created = try await shop.request(
            "POST", "/products", token: admin,
            body: Array(
                #"{"sku":"POT-1","name":"Pot","price":150000,"currency":"KES","category_id":"\#(categoryID!)","on_hand":1000}"#
                    .utf8))
        let productID = try #require(
            (try JSONSerialization.jsonObject(with: Data(created.body)) as? [String: Any])?["id"] as? String)
        var tokens: [String] = []
        for index in 0..<3 { tokens.append(try await shop.customer("crash\(index)@example.com")) }
        #expect(await shop.shutdown())

        // The real process on the same data.
        let port = try LoopbackPort.free()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve", "--host", "127.0.0.1", "--port", "\(port)", "--loops", "1"]
        process.environment = Self.environment.merging([
            "SOKO_DATA": folder, "SOKO_MANIFESTS": ShopHost.repository + "/manifests/functions", "SOKO_ACCESS_LOG": "off",
        ]) { _, new in new }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let client = await StandaloneClient.start()
        let base = "http://127.0.0.1:\(port)"
        var ready = false
        for _ in 0..<400 where !ready {
            ready = (try? await client.get(base + "/readyz", timeout: .seconds(1)))?.status == 200
            if !ready { try await Task.sleep(for: .milliseconds(25)) }
        }
        try #require(ready, "soko serve did not become ready")

        // 36 orders at once; the process dies as soon as four are placed.
        let body = Array(
            #"{"shipping_address":{"name":"C","line1":"1 Moi Avenue","city":"Nairobi","country":"KE"},"items":[{"product_id":"\#(productID)","quantity":2}]}"#
                .utf8)
        let answered = Answered()
        let statuses = await withTaskGroup(of: Int?.self) { group in
            for index in 0..<36 {
                let token = tokens[index % 3]
                group.addTask {
                    let response = try? await client.send(
                        "POST", base + "/orders",
                        headers: [
                            ("Authorization", "Bearer \(token)"), ("Content-Type", "application/json"),
                            ("Idempotency-Key", "crash-\(index)"),
                        ], body: body, timeout: .seconds(10))
                    // Counted by placed orders: the calls arrive together, so the rate limit's 429s come first.
                    if response?.status == 201, answered.increment() == 4 { kill(process.processIdentifier, SIGKILL) }
                    return response?.status
                }
            }
            return await group.reduce(into: [Int?]()) { $0.append($1) }
        }
        try await Blocking.run { process.waitUntilExit() }
        await client.shutdown()
        #expect(process.terminationReason == .uncaughtSignal)
        let placed = statuses.compactMap { $0 }.filter { $0 == 201 }.count
        #expect(placed >= 4)

        // Restart on the same data; the expiry schedule runs as it would three minutes later.
        shop = try await ShopHost.start(environment: Self.environment, configuration: Self.configuration(folder))
        _ = try await ExpireOrders.run(
            now: Int(Date().timeIntervalSince1970) + 180, context: try shop.context("orders", "expireOrders"))
        let orders = shop.store("orders")
        let standing = try await orders.query(
            "SELECT COALESCE(SUM(l.quantity), 0) AS units, COUNT(DISTINCT o.id) AS n FROM orders o "
                + "JOIN order_lines l ON l.order_id = o.id WHERE o.status = 'pending_payment'", [])
        let units = try standing.first?.int("units") ?? -1
        #expect(try standing.first?.int("n") ?? -1 >= placed)
        #expect(try await orders.query("SELECT id FROM orders WHERE status = 'placing'", []).isEmpty)
        let stock = try #require(
            try await shop.store("catalog").query(
                "SELECT on_hand, reserved FROM inventory WHERE product_id = $1", [.text(productID)]
            ).first)
        // Every unit held is held for a standing order, and nothing else.
        #expect(try stock.int("reserved") == units)
        #expect(try stock.int("on_hand") == 1000)
        #expect(await shop.shutdown())
    }

    /// Counts answers across the request tasks.
    final class Answered: Sendable {
        private let count = Mutex(0)
        func increment() -> Int {
            count.withLock {
                $0 += 1; return $0
            }
        }
    }

}
