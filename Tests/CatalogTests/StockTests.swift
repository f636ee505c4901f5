import Foundation
import ShopTesting
import SokoFunctions
import SokoTesting
import Testing

@testable import Catalog

/// Reservations through the internal routes (service token): docs/commerce.md's contracts.
@Suite("Catalog stock")
struct StockTests {
    struct Setup {
        let shop: CatalogShop
        let a: ProductView
        let b: ProductView

        static func make(aStock: Int = 5, bStock: Int = 2) async throws -> Setup {
            let shop = try await CatalogShop.start()
            let category = try await shop.category("Things")
            return Setup(
                shop: shop, a: try await shop.product("A", category: category.id, onHand: aStock),
                b: try await shop.product("B", category: category.id, onHand: bStock))
        }

        func counts(_ product: ProductView) async throws -> (onHand: Int, reserved: Int) {
            let row = try #require(
                try await shop.store.query("SELECT on_hand, reserved FROM inventory WHERE product_id = $1", [.text(product.id)])
                    .first)
            return (try row.int("on_hand") ?? -1, try row.int("reserved") ?? -1)
        }

        func status(_ order: String) async throws -> String? {
            try await shop.store.query("SELECT status FROM reservations WHERE order_id = $1", [.text(order)]).first?
                .string("status")
        }
    }

    @Test func reserveCommitAndReturn() async throws {
        let setup = try await Setup.make()
        let shop = setup.shop
        let reserved = try await shop.reserve("order-1", [(setup.a, 2), (setup.b, 2)], ttl: 600)
        #expect(reserved.status == 200)
        let reservation = try reserved.json(StockReservations.Reservation.self)
        #expect(reservation.orderID == "order-1" && reservation.status == .active)
        #expect(try await shop.available(setup.a) == 3)
        #expect(try await shop.available(setup.b) == 0)

        // A repeat returns the same reservation and reserves nothing more.
        let again = try await shop.reserve("order-1", [(setup.a, 2), (setup.b, 2)], ttl: 60)
        #expect(try again.json(StockReservations.Reservation.self) == reservation)
        #expect(try await shop.available(setup.a) == 3)

        let committed = try await shop.settle("commit", "order-1")
        #expect(committed.status == 200)
        #expect(committed.text == #"{"order_id":"order-1","status":"committed"}"#)
        #expect(try await setup.counts(setup.a) == (3, 0))
        #expect(try await setup.counts(setup.b) == (0, 0))
        // Committing again changes nothing; a repeat reserve still answers the committed reservation.
        #expect(try await shop.settle("commit", "order-1").status == 200)
        #expect(try await setup.counts(setup.a) == (3, 0))
        #expect(try await shop.reserve("order-1", [(setup.a, 2)]).json(StockReservations.Reservation.self).status == .committed)

        // Releasing a committed reservation puts the goods back on the shelf, once.
        let returned = try await shop.settle("release", "order-1")
        #expect(returned.text == #"{"order_id":"order-1","status":"returned"}"#)
        #expect(try await setup.counts(setup.a) == (5, 0))
        #expect(try await shop.settle("release", "order-1").text.contains(#""status":"returned""#))
        #expect(try await setup.counts(setup.a) == (5, 0))
        #expect(try await shop.settle("commit", "order-1").status == 409)
        await shop.shutdown()
    }

    @Test func releaseMakesStockAvailableAndAReserveAfterItStartsAnew() async throws {
        let setup = try await Setup.make()
        let shop = setup.shop
        #expect(try await shop.reserve("order-1", [(setup.a, 4)]).status == 200)
        #expect(try await shop.available(setup.a) == 1)
        #expect(try await shop.settle("release", "order-1").text.contains(#""status":"released""#))
        #expect(try await shop.available(setup.a) == 5)
        #expect(try await shop.settle("release", "order-1").text.contains(#""status":"released""#))
        #expect(try await shop.available(setup.a) == 5)

        let commit = try await shop.settle("commit", "order-1")
        #expect(commit.status == 409)
        #expect(commit.problem?.code == "reservation-released")
        #expect(try await shop.settle("release", "no-such-order").text == #"{"order_id":"no-such-order","status":"none"}"#)
        let missing = try await shop.settle("commit", "no-such-order")
        #expect(missing.status == 404)
        #expect(missing.problem?.code == "reservation-not-found")

        // After a release the same order reserves anew, with its new lines.
        let anew = try await shop.reserve("order-1", [(setup.a, 1), (setup.b, 1)])
        #expect(try anew.json(StockReservations.Reservation.self).status == .active)
        #expect(try await shop.available(setup.a) == 4)
        #expect(try await shop.available(setup.b) == 1)
        #expect(try await shop.settle("commit", "order-1").status == 200)
        #expect(try await setup.counts(setup.a) == (4, 0))
        #expect(try await setup.counts(setup.b) == (1, 0))
        await shop.shutdown()
    }

    @Test func aShortLineReservesNothing() async throws {
        let setup = try await Setup.make(aStock: 5, bStock: 2)
        let shop = setup.shop
        let response = try await shop.reserve("order-1", [(setup.a, 5), (setup.b, 3)])
        #expect(response.status == 409)
        #expect(response.problem?.code == "insufficient-stock")
        #expect(response.problem?.errors == [FieldError(field: "lines[1].quantity", message: "only 2 available")])
        #expect(try await setup.counts(setup.a) == (5, 0))
        #expect(try await setup.counts(setup.b) == (2, 0))
        #expect(try await setup.status("order-1") == nil)
        // The same order can then reserve what there is.
        #expect(try await shop.reserve("order-1", [(setup.a, 5), (setup.b, 2)]).status == 200)
        #expect(try await shop.available(setup.a) == 0)
        await shop.shutdown()
    }

    @Test func unknownAndArchivedProductsAreRefused() async throws {
        let setup = try await Setup.make()
        let shop = setup.shop
        #expect(await shop.shop.request("DELETE", "/products/\(setup.b.id)", token: shop.admin).status == 204)
        var ghost = setup.a
        ghost.id = CatalogID.make()
        let response = try await shop.reserve("order-1", [(setup.a, 1), (setup.b, 1), (ghost, 1)])
        #expect(response.status == 422)
        #expect(response.problem?.code == "unknown-product")
        #expect(response.fields == ["lines[1].product_id", "lines[2].product_id"])
        #expect(try await setup.counts(setup.a) == (5, 0))
        #expect(try await setup.status("order-1") == nil)
        await shop.shutdown()
    }

    @Test(arguments: [
        (#"{"order_id":"o","lines":[],"ttl_seconds":60}"#, ["lines"]),
        (#"{"order_id":"","lines":[{"product_id":"A","quantity":1}]}"#, ["order_id"]),
        (#"{"order_id":"o","lines":[{"product_id":"A","quantity":0}]}"#, ["lines[0].quantity"]),
        (#"{"order_id":"o","lines":[{"product_id":"A","quantity":1},{"product_id":"A","quantity":2}]}"#, ["lines[1].product_id"]),
        (#"{"order_id":"o","lines":[{"product_id":"A","quantity":1}],"ttl_seconds":0}"#, ["ttl_seconds"]),
        (#"{"order_id":"o","lines":[{"product_id":"A","quantity":1}],"ttl_seconds":86401}"#, ["ttl_seconds"]),
        (#"{"order_id":"o","lines":[{"product_id":"A"}]}"#, ["lines[0].quantity"]),
        (#"{"order_id":"o","lines":[{"product_id":"A","quantity":1.5}]}"#, ["lines[0].quantity"]),
        (#"{"order_id":"o","lines":[{"product_id":"A","quantity":1}],"ttl_seconds":"60"}"#, ["ttl_seconds"]),
    ])
    func reserveValidatesItsInput(_ body: String, _ fields: [String]) async throws {
        let setup = try await Setup.make()
        let response = await setup.shop.shop.request(
            "POST", "/internal/inventory/reserve", token: setup.shop.service,
            body: Array(body.replacingOccurrences(of: #""A""#, with: "\"\(setup.a.id)\"").utf8))
        #expect(response.status == 422)
        #expect(response.fields == fields, "\(response.text)")
        #expect(try await setup.counts(setup.a) == (5, 0))
        await setup.shop.shutdown()
    }

    @Test func expiredReservationsAreReleasedByTheSchedule() async throws {
        let setup = try await Setup.make()
        let shop = setup.shop
        let now = WallClock.system.now()
        #expect(try await shop.reserve("soon", [(setup.a, 2)], ttl: 60).status == 200)
        #expect(try await shop.reserve("later", [(setup.a, 1), (setup.b, 1)], ttl: 3600).status == 200)
        #expect(try await shop.reserve("paid", [(setup.b, 1)], ttl: 60).status == 200)
        #expect(try await shop.settle("commit", "paid").status == 200)
        #expect(try await shop.available(setup.a) == 2)

        // Nothing has expired yet.
        #expect(try await StockReservations.expire(store: shop.store, now: now) == 0)
        // Two minutes on: only the 60-second active reservation goes; the committed one stays.
        #expect(try await StockReservations.expire(store: shop.store, now: now.adding(seconds: 120)) == 1)
        #expect(try await setup.status("soon") == "released")
        #expect(try await setup.status("later") == "active")
        #expect(try await setup.status("paid") == "committed")
        #expect(try await shop.available(setup.a) == 4)
        #expect(try await StockReservations.expire(store: shop.store, now: now.adding(seconds: 120)) == 0)
        #expect(try await shop.available(setup.a) == 4)

        // The scheduled handler itself, its clock an hour on: the hour-long reservation has expired.
        let context = FunctionContext(
            requestID: "test", deadline: .now + .seconds(5), service: "catalog", function: "expireReservations",
            request: FunctionRequest(method: "SCHEDULE", path: "/"), store: shop.store,
            clock: .fixed(now.adding(seconds: 3601)), logger: Logger(label: "test"))
        #expect(try await ExpireReservations.run(context: context).status == 204)
        #expect(try await setup.status("later") == "released")
        #expect(try await setup.counts(setup.a) == (5, 0))
        #expect(try await setup.counts(setup.b) == (1, 0))
        // An expired, released reservation cannot be committed.
        #expect(try await shop.settle("commit", "soon").problem?.code == "reservation-released")
        await shop.shutdown()
    }

    @Test func fiftyConcurrentReservationsForTenUnits() async throws {
        let setup = try await Setup.make(aStock: 10)
        try await StockRace.run(setup.shop, product: setup.a)
        await setup.shop.shutdown()
    }

    @Test func concurrentRepeatsOfOneOrderReserveOnce() async throws {
        let setup = try await Setup.make(aStock: 10)
        try await StockRace.repeats(setup.shop, product: setup.a)
        await setup.shop.shutdown()
    }
}

/// Races shared by the SQLite and PostgreSQL suites.
enum StockRace {
    /// 50 orders race for 10 units (one each) over HTTP, while readers watch `available`.
    static func run(_ shop: CatalogShop, product: ProductView) async throws {
        let outcomes = try await withThrowingTaskGroup(of: (Int?, Int?).self) { group in
            for index in 0..<50 {
                group.addTask {
                    let response = try await shop.reserve("race-\(index)", [(product, 1)])
                    return (response.status, nil)
                }
                if index % 5 == 0 {
                    group.addTask { (nil, try await shop.available(product)) }
                }
            }
            var outcomes: [(Int?, Int?)] = []
            for try await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        let statuses = outcomes.compactMap(\.0)
        #expect(statuses.count == 50)
        #expect(statuses.filter { $0 == 200 }.count == 10)
        #expect(statuses.filter { $0 == 409 }.count == 40)
        #expect(outcomes.compactMap(\.1).allSatisfy { (0...10).contains($0) })
        #expect(try await shop.available(product) == 0)
        let rows = try await shop.store.query(
            "SELECT COUNT(*) AS n FROM reservations r JOIN reservation_lines l ON l.order_id = r.order_id WHERE r.status = 'active'",
            [])
        #expect(try rows.first?.int("n") == 10)
        let inventory = try await shop.store.query(
            "SELECT on_hand, reserved FROM inventory WHERE product_id = $1", [.text(product.id)])
        #expect(try inventory.first?.int("reserved") == 10)
        #expect(try inventory.first?.int("on_hand") == 10)
    }

    /// 20 concurrent repeats of one order reserve its units once.
    static func repeats(_ shop: CatalogShop, product: ProductView) async throws {
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<20 { group.addTask { try await shop.reserve("same-order", [(product, 3)]).status } }
            var statuses: [Int] = []
            for try await status in group { statuses.append(status) }
            return statuses
        }
        #expect(statuses == Array(repeating: 200, count: 20))
        #expect(try await shop.available(product) == 7)
    }
}
