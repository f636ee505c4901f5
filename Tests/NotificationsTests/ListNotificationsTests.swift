import Foundation
import ShopTesting
import SokoFunctions
import SokoTesting
import Testing

@testable import Notifications

/// `GET /admin/notifications`: the delivery log, newest first, for admins only.
@Suite("Delivery log")
struct ListNotificationsTests {
    static func seed(_ shop: ShopHost, count: Int) async throws {
        let statuses: [NotificationStatus] = [.sent, .retrying, .failed]
        for index in 0..<count {
            _ = try await shop.store("notifications").transaction { transaction in
                try DeliveryLog.record(
                    DeliveryLog.Attempt(
                        eventID: "evt-\(index)", kind: .welcome, recipient: "c\(index)@example.com", subject: "S \(index)",
                        status: statuses[index % 3], lastError: index % 3 == 0 ? nil : "boom", transport: nil),
                    at: WallTime(unixSeconds: 1_800_000_000 + index), transaction)
            }
        }
    }

    @Test func pagesWalkTheWholeLogNewestFirstAndFilterByStatus() async throws {
        let shop = try await NotifyShop.start()
        let admin = try await shop.admin()
        try await Self.seed(shop, count: 25)

        var seen: [NotificationRecord] = []
        var cursor: String?
        repeat {
            let target = "/admin/notifications?limit=10" + (cursor.map { "&cursor=\($0)" } ?? "")
            let response = await shop.request("GET", target, token: admin)
            try #require(response.status == 200, "\(response.text)")
            let page = try response.json(NotificationPage.self)
            #expect(page.items.count <= 10)
            seen += page.items
            cursor = page.nextCursor
        } while cursor != nil
        #expect(seen.count == 25)
        #expect(Set(seen.map(\.id)).count == 25)
        let keys = seen.map { "\($0.createdAt) \($0.id)" }
        #expect(keys == keys.sorted(by: >))
        // Each row is dated by the time it was recorded at: the newest is the last one seeded.
        #expect(seen.first?.eventID == "evt-24")
        #expect(seen.first?.createdAt == WallTime(unixSeconds: 1_800_000_024).timestamp)
        #expect(seen.last?.createdAt == WallTime(unixSeconds: 1_800_000_000).timestamp)

        let failed = try await shop.request("GET", "/admin/notifications?status=failed", token: admin).json(NotificationPage.self)
        #expect(failed.items.count == 8)
        #expect(failed.items.allSatisfy { $0.status == "failed" && $0.lastError == "boom" && $0.attempts == 1 })
        #expect(failed.nextCursor == nil)
        let raw = await shop.request("GET", "/admin/notifications?limit=1", token: admin).text
        for key in ["\"event_id\"", "\"kind\":\"welcome\"", "\"transport\":null", "\"next_cursor\""] {
            #expect(raw.contains(key), "\(key) missing from \(raw)")
        }
        #expect(await shop.shutdown())
    }

    @Test(arguments: [
        ("status=sending", "invalid-status"), ("limit=0", "invalid-limit"), ("limit=101", "invalid-limit"),
        ("limit=ten", "invalid-limit"), ("cursor=not-a-cursor", "invalid-cursor"), ("cursor=%00", "invalid-cursor"),
    ])
    func badParametersAre400(query: String, code: String) async throws {
        let shop = try await NotifyShop.start()
        let admin = try await shop.admin()
        let response = await shop.request("GET", "/admin/notifications?\(query)", token: admin)
        #expect(response.status == 400)
        #expect(response.problem?.code == code)
        #expect(await shop.shutdown())
    }

    @Test func onlyAdminsReadTheLog() async throws {
        let shop = try await NotifyShop.start()
        let customer = try await shop.customer("ann@example.com")
        #expect(await shop.request("GET", "/admin/notifications", token: customer).status == 403)
        #expect(await shop.request("GET", "/admin/notifications").status == 401)
        #expect(await shop.shutdown())
    }

    @Test func cursorsAreOnlyThoseHandedOut() {
        let cursor = NotificationCursor(createdAt: "2026-01-01T00:00:00.000Z", id: "ntf_0123456789abcdef01234567")
        #expect(NotificationCursor(text: cursor.text) == cursor)
        #expect(NotificationCursor(text: NotificationCursor(createdAt: "2026-01-01T00:00:00.000Z", id: "x' OR 1=1").text) == nil)
    }
}
