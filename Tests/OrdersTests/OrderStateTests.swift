import Foundation
import ShopTesting
import SokoFunctions
import SokoTesting
import Testing

@testable import Orders

@Suite("Order states")
struct OrderStateTests {
    static let legal: Set<String> = [
        "pending_payment>paid", "pending_payment>cancelled", "paid>shipped", "paid>cancelled", "shipped>delivered",
        "cancelled>refunded", "confirmed>paid", "confirmed>cancelled",
    ]

    /// Every pair of states against the table: exactly the eight documented moves are legal (two
    /// of them for orders paid on delivery).
    @Test(arguments: OrderStatus.allCases)
    func theTableAllowsOnlyTheDocumentedMoves(_ from: OrderStatus) {
        for to in OrderStatus.allCases {
            let legal = Self.legal.contains("\(from.rawValue)>\(to.rawValue)")
            #expect(OrderStateMachine.allows(from, to) == legal, "\(from) → \(to)")
            do {
                try OrderStateMachine.check(from: from, to: to, wasPaid: true)
                #expect(legal, "\(from) → \(to)")
            } catch {
                #expect(!legal)
                #expect(error.problem.status == 409)
                #expect(error.problem.code == "illegal-transition")
                #expect(error.problem.detail.contains(from.rawValue) && error.problem.detail.contains(to.rawValue))
            }
        }
    }

    @Test func anOrderThatWasNeverPaidIsNotRefunded() {
        #expect(throws: IllegalTransition.self) {
            try OrderStateMachine.check(from: .cancelled, to: .refunded, wasPaid: false)
        }
    }

    @Test func theLifeOfAnOrderThroughTheRoutes() async throws {
        let shop = try await OrdersShop.start()
        let ann = try await shop.shop.customer("ann@example.com")
        let kettle = try await shop.product("KETTLE", price: 250_000, onHand: 5)
        try await shop.addToCart(ann, kettle, quantity: 1)
        let order = try await shop.order(ann)
        let id = order.id
        let shipment = ["carrier": "G4S", "tracking_number": "KE123"]

        func expectIllegal(_ response: TestResponse, _ from: String, _ to: String) {
            #expect(response.status == 409)
            #expect(response.problem?.code == "illegal-transition")
            #expect(response.problem?.detail.contains("from \(from) to \(to)") == true, "\(response.text)")
        }
        // pending_payment: neither shipped nor delivered.
        expectIllegal(
            try await shop.shop.request("POST", "/orders/\(id)/ship", token: shop.admin, json: shipment), "pending_payment",
            "shipped")
        expectIllegal(await shop.shop.request("POST", "/orders/\(id)/deliver", token: shop.admin), "pending_payment", "delivered")

        // paid (as the payments service will do it) → shipped → delivered.
        let paid = try await OrderTransitions.apply(
            orderID: id, to: .paid, actor: "payments", at: WallClock.system.now(), store: shop.orders)
        #expect(paid.status == .paid)
        #expect(paid.paidAt != nil)
        await #expect(throws: IllegalTransition.self) {
            try await OrderTransitions.apply(
                orderID: id, to: .paid, actor: "payments", at: WallClock.system.now(), store: shop.orders)
        }
        expectIllegal(await shop.shop.request("POST", "/orders/\(id)/deliver", token: shop.admin), "paid", "delivered")
        let noCarrier = try await shop.shop.request("POST", "/orders/\(id)/ship", token: shop.admin, json: ["carrier": " "])
        #expect(noCarrier.status == 422)
        #expect(noCarrier.problem?.errors?.map(\.field) == ["carrier", "tracking_number"])
        let shipped = try await shop.shop.request("POST", "/orders/\(id)/ship", token: shop.admin, json: shipment)
        #expect(shipped.status == 200)
        #expect(try shipped.json(OrderDocument.self).trackingNumber == "KE123")
        expectIllegal(await shop.shop.request("POST", "/orders/\(id)/cancel", token: ann), "shipped", "cancelled")
        expectIllegal(
            try await shop.shop.request("POST", "/orders/\(id)/ship", token: shop.admin, json: shipment), "shipped", "shipped")
        let delivered = await shop.shop.request("POST", "/orders/\(id)/deliver", token: shop.admin)
        #expect(delivered.status == 200)
        #expect(try delivered.json(OrderDocument.self).status == "delivered")
        expectIllegal(await shop.shop.request("POST", "/orders/\(id)/cancel", token: shop.admin), "delivered", "cancelled")
        expectIllegal(await shop.shop.request("POST", "/orders/\(id)/deliver", token: shop.admin), "delivered", "delivered")

        let events = try await shop.events()
        #expect(events.map(\.name) == ["order.placed", "order.paid", "order.shipped", "order.delivered"])
        #expect(events[2].payload.carrier == "G4S")
        #expect(events[2].payload.trackingNumber == "KE123")
        #expect(events.allSatisfy { $0.payload.orderID == id && $0.payload.total == order.total })
        #expect(events.map(\.payload.status) == ["pending_payment", "paid", "shipped", "delivered"])
        let trail = try await shop.orders.query(
            "SELECT from_status, to_status FROM order_transitions WHERE order_id = $1 ORDER BY at, rowid", [.text(id)]
        ).map { "\(try $0.string("from_status") ?? "")>\(try $0.string("to_status") ?? "")" }
        #expect(trail == ["placing>pending_payment", "pending_payment>paid", "paid>shipped", "shipped>delivered"])
        await shop.shutdown()
    }

    @Test func cancellingReleasesStockAndOnlyAPaidOrderIsRefunded() async throws {
        let shop = try await OrdersShop.start()
        let ann = try await shop.shop.customer("ann@example.com")
        let kettle = try await shop.product("KETTLE", price: 250_000, onHand: 5)
        try await shop.addToCart(ann, kettle, quantity: 2)
        let unpaid = try await shop.order(ann)
        #expect(try await shop.available(kettle) == 3)
        let cancelled = await shop.shop.request("POST", "/orders/\(unpaid.id)/cancel", token: ann)
        #expect(cancelled.status == 200)
        #expect(try cancelled.json(OrderDocument.self).status == "cancelled")
        #expect(try await shop.available(kettle) == 5)
        #expect(try await shop.count("SELECT COUNT(*) AS n FROM orders WHERE release_due = 1") == 0)
        #expect(await shop.shop.request("POST", "/orders/\(unpaid.id)/cancel", token: ann).status == 409)
        await #expect(throws: IllegalTransition.self) {
            try await OrderTransitions.apply(
                orderID: unpaid.id, to: .refunded, actor: "payments", at: WallClock.system.now(), store: shop.orders)
        }

        // Paid, then cancelled by an admin, then refunded.
        try await shop.addToCart(ann, kettle, quantity: 1)
        let paid = try await shop.order(ann)
        try await OrderTransitions.apply(
            orderID: paid.id, to: .paid, actor: "payments", at: WallClock.system.now(), store: shop.orders)
        let byAdmin = await shop.shop.request("POST", "/orders/\(paid.id)/cancel", token: shop.admin)
        #expect(byAdmin.status == 200)
        let refunded = try await OrderTransitions.apply(
            orderID: paid.id, to: .refunded, actor: "payments", at: WallClock.system.now(), store: shop.orders)
        #expect(refunded.status == .refunded)

        let cancellations = try await shop.events().filter { $0.name == "order.cancelled" }
        #expect(cancellations.map(\.payload.reason) == ["customer", "admin"])
        #expect(cancellations.map(\.payload.previousStatus) == ["pending_payment", "paid"])
        #expect(try await shop.events().last?.name == "order.refunded")
        await shop.shutdown()
    }

    @Test func twoConcurrentTransitionsCannotBothWin() async throws {
        let shop = try await OrdersShop.start()
        let ann = try await shop.shop.customer("ann@example.com")
        let kettle = try await shop.product("KETTLE", price: 250_000, onHand: 5)
        try await shop.addToCart(ann, kettle, quantity: 1)
        let order = try await shop.order(ann)
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for target in [OrderStatus.paid, .cancelled, .paid, .cancelled] {
                group.addTask {
                    (try? await OrderTransitions.apply(
                        orderID: order.id, to: target, actor: "test", at: WallClock.system.now(), store: shop.orders)) != nil
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        // paid → cancelled is legal, so at most two can succeed, and then only in that order.
        let trail = try await shop.orders.query(
            "SELECT to_status FROM order_transitions WHERE order_id = $1 AND from_status <> 'placing' ORDER BY at",
            [.text(order.id)]
        ).map { try $0.string("to_status") ?? "" }
        #expect(outcomes.filter { $0 }.count == trail.count)
        #expect(trail == ["paid"] || trail == ["cancelled"] || trail == ["paid", "cancelled"], "\(trail)")
        await shop.shutdown()
    }

    /// How a payment event consumer in this bundle would mark an order paid: once per event, the
    /// transition committed with the event's processed mark.
    @Test func aRedeliveredPaymentEventPaysTheOrderOnce() async throws {
        let shop = try await OrdersShop.start()
        let ann = try await shop.shop.customer("ann@example.com")
        let kettle = try await shop.product("KETTLE", price: 250_000, onHand: 5)
        try await shop.addToCart(ann, kettle, quantity: 1)
        let order = try await shop.order(ann)
        let event = Event(
            id: UUID().uuidString, name: "payment.succeeded", source: "payments", occurredAt: Timestamp.now(), payload: order.id)
        let context = shop.context(function: "onPaymentSucceeded")
        for _ in 0..<2 {
            try await context.once(event) { transaction in
                try OrderTransitions.apply(
                    orderID: event.payload, to: .paid, actor: "payments", at: WallClock.system.now(),
                    in: transaction)
            }
        }
        #expect(try await shop.events().map(\.name) == ["order.placed", "order.paid"])
        #expect(try await shop.shop.request("GET", "/orders/\(order.id)", token: ann).json(OrderDocument.self).status == "paid")
        await shop.shutdown()
    }
}
