import Contracts
import Foundation
import ShopTesting
import SokoFunctions
import SokoTesting
import Testing

@testable import Orders

@Suite("Order expiry")
struct ExpiryTests {
    static var now: Int { Int(Date().timeIntervalSince1970) }

    @Test func anUnpaidOrderPastItsTTLIsCancelledAndItsStockReturns() async throws {
        let shop = try await OrdersShop.start()
        let ann = try await shop.shop.customer("ann@example.com")
        let kettle = try await shop.product("KETTLE", price: 250_000, onHand: 5)
        try await shop.addToCart(ann, kettle, quantity: 2)
        let unpaid = try await shop.order(ann)
        // Another customer: ann's cart is cleared of the first order by an event, in its own time.
        let bob = try await shop.shop.customer("bob@example.com")
        try await shop.addToCart(bob, kettle, quantity: 1)
        let paid = try await shop.order(bob)
        try await OrderTransitions.apply(
            orderID: paid.id, to: .paid, actor: "payments", at: WallClock.system.now(), store: shop.orders)
        #expect(try await shop.available(kettle) == 2)

        // Within the TTL nothing happens.
        let early = try await ExpireOrders.run(now: Self.now + 60, context: shop.context())
        #expect(early == ExpireOrders.Report())
        #expect(try await shop.available(kettle) == 2)

        let report = try await ExpireOrders.run(now: Self.now + 31 * 60, context: shop.context())
        #expect(report.cancelled == [unpaid.id])
        #expect(report.released == [unpaid.id])
        #expect(try await shop.available(kettle) == 4)
        let read = try await shop.shop.request("GET", "/orders/\(unpaid.id)", token: ann).json(OrderDocument.self)
        #expect(read.status == "cancelled")
        let paidNow = try await shop.shop.request("GET", "/orders/\(paid.id)", token: bob).json(OrderDocument.self)
        #expect(paidNow.status == "paid")
        let cancelled = try await shop.events().filter { $0.name == "order.cancelled" }
        #expect(cancelled.map(\.payload.orderID) == [unpaid.id])
        #expect(cancelled.first?.payload.reason == "expired")

        // A second run finds nothing left to do.
        #expect(try await ExpireOrders.run(now: Self.now + 31 * 60, context: shop.context()) == ExpireOrders.Report())
        await shop.shutdown()
    }

    @Test func theScheduleExpiresAsOfTheContextsClock() async throws {
        let shop = try await OrdersShop.start()
        let ann = try await shop.shop.customer("ann@example.com")
        let kettle = try await shop.product("KETTLE", price: 250_000, onHand: 5)
        try await shop.addToCart(ann, kettle, quantity: 1)
        let unpaid = try await shop.order(ann)
        let expire = ExpireOrders(settings: .defaults)
        let now = WallClock.system.now()

        try await expire.run(NoInput(), context: shop.context(clock: .fixed(now.adding(seconds: 29 * 60))))
        #expect(try await shop.available(kettle) == 4)
        try await expire.run(NoInput(), context: shop.context(clock: .fixed(now.adding(seconds: 31 * 60))))
        #expect(try await shop.available(kettle) == 5)
        let read = try await shop.shop.request("GET", "/orders/\(unpaid.id)", token: ann).json(OrderDocument.self)
        #expect(read.status == "cancelled")
        await shop.shutdown()
    }

    @Test func theTTLComesFromTheSettings() async throws {
        let shop = try await OrdersShop.start()
        let ann = try await shop.shop.customer("ann@example.com")
        let kettle = try await shop.product("KETTLE", price: 250_000, onHand: 5)
        try await shop.addToCart(ann, kettle, quantity: 1)
        let order = try await shop.order(ann)
        let settings = try OrdersSettings(environment: ["SOKO_ORDER_TTL": "5m"])
        #expect(try await ExpireOrders.run(now: Self.now + 4 * 60, context: shop.context(), settings: settings).cancelled == [])
        #expect(
            try await ExpireOrders.run(now: Self.now + 6 * 60, context: shop.context(), settings: settings).cancelled == [
                order.id
            ])
        await shop.shutdown()
    }

    /// The request died after reserving and before confirming: its `placing` order is rejected by
    /// the schedule and the reservation released.
    @Test func aReservationWhoseOrderWasNeverConfirmedIsReleased() async throws {
        let shop = try await OrdersShop.start()
        let ann = try await shop.shop.customer("ann@example.com")
        let kettle = try await shop.product("KETTLE", price: 250_000, onHand: 5)
        let id = UUID().uuidString.lowercased()
        let stamp = Timestamp.now()
        try await shop.orders.execute(
            """
            INSERT INTO orders (id, customer_id, idempotency_key, request, status, shipping_address, created_at, updated_at)
            VALUES ($1, 'someone', 'crashed', '{}', 'placing', $2, $3, $3)
            """, [.text(id), .text(#"{"name":"A","line1":"B","city":"C","country":"KE"}"#), .text(stamp)])
        let context = shop.context()
        _ = try await context.invoke(
            CatalogContract.reserveStock,
            StockReservationRequest(orderID: id, lines: [ProductQuantity(productID: kettle, quantity: 3)], ttlSeconds: 3600))
        #expect(try await shop.available(kettle) == 2)

        // Not yet stuck (a live request may still confirm it).
        #expect(try await ExpireOrders.run(now: Self.now + 60, context: context).rejected == [])
        #expect(try await shop.available(kettle) == 2)

        let report = try await ExpireOrders.run(now: Self.now + 180, context: context)
        #expect(report.rejected == [id])
        #expect(report.released == [id])
        #expect(try await shop.available(kettle) == 5)
        #expect(try await shop.count("SELECT COUNT(*) AS n FROM orders WHERE status = 'rejected' AND release_due = 0") == 1)
        // Nothing else was touched; a live customer's order keeps its stock.
        try await shop.addToCart(ann, kettle, quantity: 1)
        _ = try await shop.order(ann)
        #expect(try await ExpireOrders.run(now: Self.now + 180, context: context) == ExpireOrders.Report())
        #expect(try await shop.available(kettle) == 4)
        await shop.shutdown()
    }

    @Test func aReleaseThatFailedIsRetriedByTheSchedule() async throws {
        let shop = try await OrdersShop.start()
        let ann = try await shop.shop.customer("ann@example.com")
        let kettle = try await shop.product("KETTLE", price: 250_000, onHand: 5)
        try await shop.addToCart(ann, kettle, quantity: 2)
        let order = try await shop.order(ann)
        // Cancelled through the Swift API only: the stock is still to be released.
        try await OrderTransitions.apply(
            orderID: order.id, to: .cancelled, actor: "test", reason: .admin, at: WallClock.system.now(), store: shop.orders)
        #expect(try await shop.count("SELECT COUNT(*) AS n FROM orders WHERE release_due = 1") == 1)
        #expect(try await shop.available(kettle) == 3)
        let report = try await ExpireOrders.run(now: Self.now, context: shop.context())
        #expect(report.released == [order.id])
        #expect(try await shop.available(kettle) == 5)
        #expect(try await shop.count("SELECT COUNT(*) AS n FROM orders WHERE release_due = 1") == 0)
        await shop.shutdown()
    }
}
