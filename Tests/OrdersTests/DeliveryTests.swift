import Contracts
import Foundation
import ShopTesting
import SokoFunctions
import SokoTesting
import Testing

@testable import Orders

/// Delivery zones end to end through the shop's router: the admin routes and the public list, the
/// zone's fee as the order's shipping (with coupons and VAT), pay on delivery (confirmed, stock
/// committed, left alone by expiry, collected once by the merchant) and the order timeline.
@Suite("Delivery zones and pay on delivery")
struct DeliveryTests {
    @Test func theMerchantManagesZonesAndShoppersSeeTheActiveOnes() async throws {
        let shop = try await OrdersShop.start()
        let created = try await shop.zone(
            #"{"id": "cbd", "name": " Nairobi CBD ", "fee": 20000, "currency": "kes", "free_above": 500000, "cash_on_delivery": true}"#
        )
        #expect(created.status == 201, "\(created.text)")
        #expect(created.headers["Location"] == "/admin/delivery-zones/cbd")
        let zone = try created.json(ZoneDocument.self)
        #expect(
            zone
                == ZoneDocument(
                    id: "cbd", name: "Nairobi CBD", fee: 20_000, currency: "KES", freeAbove: 500_000, pickup: false,
                    cashOnDelivery: true, active: true))
        let generated = try await shop.zone(#"{"name": "Pickup station", "fee": 10000, "currency": "KES", "pickup": true}"#)
        #expect(generated.status == 201, "\(generated.text)")
        let pickup = try generated.json(ZoneDocument.self)
        #expect(pickup.pickup && !pickup.cashOnDelivery && pickup.freeAbove == nil && pickup.id.count == 36)

        #expect(
            try await shop.zone(#"{"id": "cbd", "name": "Again", "fee": 1, "currency": "KES"}"#).problem?.code
                == "delivery-zone-exists")
        let bad = try await shop.zone(#"{"id": "Not An Id", "name": "", "fee": -1, "currency": "shilling", "free_above": -5}"#)
        #expect(bad.status == 422)
        #expect(Set(bad.problem?.errors?.map(\.field) ?? []) == ["id", "name", "fee", "currency", "free_above"])
        #expect(try await shop.zone(#"{"fee": 1.5, "name": "x", "currency": "KES"}"#).status == 422)
        #expect(try await shop.zone("not json").status == 400)

        let ann = try await shop.shop.customer("ann@example.com")
        let forbidden = await shop.shop.request(
            "POST", "/admin/delivery-zones", token: ann, body: Array(#"{"name": "x", "fee": 1, "currency": "KES"}"#.utf8))
        #expect(forbidden.status == 403)

        // Closing the pickup station takes it off the public list; `free_above: null` removes the threshold.
        let closed = await shop.shop.request(
            "PATCH", "/admin/delivery-zones/\(pickup.id)", token: shop.admin, body: Array(#"{"active": false}"#.utf8))
        #expect(try closed.json(ZoneDocument.self).active == false, "\(closed.text)")
        let repriced = await shop.shop.request(
            "PATCH", "/admin/delivery-zones/cbd", token: shop.admin, body: Array(#"{"fee": 25000, "free_above": null}"#.utf8))
        #expect(try repriced.json(ZoneDocument.self).freeAbove == nil, "\(repriced.text)")
        #expect(try repriced.json(ZoneDocument.self).fee == 25_000)
        let missing = await shop.shop.request(
            "PATCH", "/admin/delivery-zones/nowhere", token: shop.admin, body: Array(#"{"active": false}"#.utf8))
        #expect(missing.status == 404 && missing.problem?.code == "delivery-zone-not-found")
        let renamed = await shop.shop.request(
            "PATCH", "/admin/delivery-zones/cbd", token: shop.admin, body: Array(#"{"id": "other", "currency": "ke"}"#.utf8))
        #expect(Set(renamed.problem?.errors?.map(\.field) ?? []) == ["id", "currency"])

        let listed = try await shop.shop.request("GET", "/delivery-zones").json(ZoneList.self).items
        #expect(listed.map(\.id) == ["cbd"])
        let all = try await shop.shop.request("GET", "/admin/delivery-zones", token: shop.admin).json(ZoneList.self).items
        #expect(all.map(\.id) == ["cbd", pickup.id])
        #expect(await shop.shop.request("GET", "/admin/delivery-zones", token: ann).status == 403)
        await shop.shutdown()
    }

    @Test func theZonesFeeIsTheShippingAndAZoneIsRequiredOnceTheShopHasOne() async throws {
        let shop = try await OrdersShop.start()
        let ann = try await shop.shop.customer("ann@example.com")
        let kettle = try await shop.product("KETTLE", price: 100_000, onHand: 20)
        try await shop.addToCart(ann, kettle, quantity: 1)
        // No zones: today's flat shipping, no delivery on the order.
        let flat = try await shop.deliveryOrder(ann, zone: nil)
        #expect(flat.status == 201, "\(flat.text)")
        #expect(try flat.json(DeliveryOrder.self).shipping == 30_000)
        #expect(try flat.json(DeliveryOrder.self).delivery == nil)
        #expect(try flat.json(DeliveryOrder.self).paymentMethod == "online")

        try await shop.standardZones()
        try await shop.addToCart(ann, kettle, quantity: 1)
        let required = try await shop.deliveryOrder(ann, zone: nil)
        #expect(required.status == 422 && required.problem?.code == "delivery-zone-required", "\(required.text)")
        let unknown = try await shop.deliveryOrder(ann, zone: "mars")
        #expect(unknown.status == 422 && unknown.problem?.code == "delivery-zone-unknown", "\(unknown.text)")
        #expect(try await shop.deliveryOrder(ann, zone: "Bad Id!").status == 422)

        let placed = try await shop.deliveryOrder(ann, zone: "cbd")
        #expect(placed.status == 201, "\(placed.text)")
        let order = try placed.json(DeliveryOrder.self)
        #expect(order.shipping == 20_000)
        #expect(order.total == 120_000)
        #expect(order.delivery == DeliveryOrder.Delivery(zone: "cbd", name: "Nairobi CBD", fee: 20_000, pickup: false))
        #expect(order.status == "pending_payment")
        // The event names the zone for the confirmation email and SMS.
        let placedEvent = try await shop.events().last { $0.name == "order.placed" }
        #expect(placedEvent?.payload.deliveryZone == "Nairobi CBD")
        #expect(placedEvent?.payload.paymentMethod == nil)

        // From the zone's threshold delivery is free; the pickup station is marked as one.
        try await shop.addToCart(ann, kettle, quantity: 5)
        let free = try await shop.deliveryOrder(ann, zone: "cbd").json(DeliveryOrder.self)
        #expect(free.shipping == 0 && free.total == 500_000 && free.delivery?.fee == 0)
        try await shop.addToCart(ann, kettle, quantity: 1)
        let pickup = try await shop.deliveryOrder(ann, zone: "pickup").json(DeliveryOrder.self)
        #expect(pickup.delivery?.pickup == true && pickup.shipping == 10_000)

        // A later change of the zone leaves placed orders as they were.
        let renamed = await shop.shop.request(
            "PATCH", "/admin/delivery-zones/cbd", token: shop.admin, body: Array(#"{"name": "CBD", "fee": 1}"#.utf8))
        #expect(renamed.status == 200)
        let read = try await shop.shop.request("GET", "/orders/\(order.id)", token: ann).json(DeliveryOrder.self)
        #expect(read.delivery?.name == "Nairobi CBD" && read.shipping == 20_000)

        // A zone in another currency cannot price a KES order.
        #expect(try await shop.zone(#"{"id": "kampala", "name": "Kampala", "fee": 500, "currency": "UGX"}"#).status == 201)
        try await shop.addToCart(ann, kettle, quantity: 1)
        let mismatch = try await shop.deliveryOrder(ann, zone: "kampala")
        #expect(mismatch.problem?.code == "delivery-zone-currency-mismatch", "\(mismatch.text)")
        await shop.shutdown()
    }

    @Test func couponsAndIncludedVATComposeWithTheFee() async throws {
        let shop = try await OrdersShop.start(environment: ["SOKO_PRICES_INCLUDE_VAT": "true", "SOKO_VAT_RATE": "16"])
        let ann = try await shop.shop.customer("ann@example.com")
        let kettle = try await shop.product("KETTLE", price: 100_000, onHand: 20)
        try await shop.standardZones()
        #expect(try await shop.createCoupon(["code": "TENOFF", "kind": "percentage", "value": 10]).status == 201)
        try await shop.addToCart(ann, kettle, quantity: 1)
        let response = try await shop.deliveryOrder(ann, zone: "cbd", coupon: "TENOFF")
        #expect(response.status == 201, "\(response.text)")
        let order = try response.json(DeliveryOrder.self)
        // Discount on the subtotal (10 000), the fee on top, VAT contained in the whole total:
        // 110 000 × 16 / 116 = 15 172.4 → 15 172.
        #expect(order.subtotal == 100_000 && order.discount == 10_000 && order.shipping == 20_000)
        #expect(order.total == 110_000 && order.tax == 15_172)
        // The threshold applies to the discounted goods: 5 × 100 000 less 10 % is under 500 000.
        try await shop.addToCart(ann, kettle, quantity: 5)
        let large = try await shop.deliveryOrder(ann, zone: "cbd", coupon: "TENOFF").json(DeliveryOrder.self)
        #expect(large.discount == 50_000 && large.shipping == 20_000 && large.total == 470_000)
        await shop.shutdown()
    }

    @Test func aCouponQuoteCarriesTheZonesFee() async throws {
        let shop = try await OrdersShop.start()
        let ann = try await shop.shop.customer("ann@example.com")
        let kettle = try await shop.product("KETTLE", price: 100_000, onHand: 20)
        try await shop.standardZones()
        #expect(try await shop.createCoupon(["code": "TENOFF", "kind": "percentage", "value": 10]).status == 201)
        try await shop.addToCart(ann, kettle, quantity: 1)
        let quote = try await shop.shop.request(
            "POST", "/coupons/validate", token: ann, json: ["code": "tenoff", "delivery_zone": "upcountry"])
        #expect(quote.status == 200, "\(quote.text)")
        #expect(try quote.json(Quote.self).total == 90_000 + 60_000)
        let flat = try await shop.shop.request("POST", "/coupons/validate", token: ann, json: ["code": "tenoff"])
        #expect(try flat.json(Quote.self).total == 90_000 + 30_000)
        let unknown = try await shop.shop.request(
            "POST", "/coupons/validate", token: ann, json: ["code": "tenoff", "delivery_zone": "mars"])
        #expect(unknown.problem?.code == "delivery-zone-unknown", "\(unknown.text)")
        await shop.shutdown()
    }

    @Test func uncollectedOrdersCountTowardsTheUnpaidCap() async throws {
        let shop = try await OrdersShop.start(environment: ["SOKO_MAX_PENDING_ORDERS": "1"])
        let ann = try await shop.shop.customer("ann@example.com")
        let kettle = try await shop.product("KETTLE", price: 100_000, onHand: 20)
        try await shop.standardZones()
        try await shop.addToCart(ann, kettle, quantity: 1)
        let first = try await shop.deliveryOrder(ann, zone: "cbd", method: "cash_on_delivery")
        #expect(first.status == 201, "\(first.text)")
        try await shop.addToCart(ann, kettle, quantity: 1)
        let second = try await shop.deliveryOrder(ann, zone: "cbd", method: "cash_on_delivery")
        #expect(second.status == 409 && second.problem?.code == "too-many-pending-orders", "\(second.text)")
        // Collected, it no longer holds a place.
        let order = try first.json(DeliveryOrder.self)
        #expect(await shop.collect(order.id, #"{"method": "cash"}"#).status == 200)
        #expect(try await shop.deliveryOrder(ann, zone: "cbd", method: "cash_on_delivery").status == 201)
        await shop.shutdown()
    }

    @Test func payOnDeliveryIsConfirmedCommittedAndCollectedOnce() async throws {
        let shop = try await OrdersShop.start()
        try await PayOnDelivery.run(shop)
        await shop.shutdown()
    }

    @Test(.enabled(if: ShopHost.postgresURL != nil)) func payOnDeliveryOnPostgres() async throws {
        let shop = try await PostgresOrderTests.start()
        try await PayOnDelivery.run(shop)
        await shop.shutdown()
    }

    @Test func concurrentCollectionsOfOneOrderHaveOneWinner() async throws {
        let shop = try await OrdersShop.start()
        try await CollectionRace.run(shop)
        await shop.shutdown()
    }

    @Test(.enabled(if: ShopHost.postgresURL != nil)) func concurrentCollectionsOnPostgres() async throws {
        let shop = try await PostgresOrderTests.start()
        try await CollectionRace.run(shop)
        await shop.shutdown()
    }

    @Test func theTimelineIsTheOwnersAndNamesRolesNotIDs() async throws {
        let shop = try await OrdersShop.start()
        let ann = try await shop.shop.customer("ann@example.com")
        let bob = try await shop.shop.customer("bob@example.com")
        let kettle = try await shop.product("KETTLE", price: 100_000, onHand: 20)
        try await shop.standardZones()
        try await shop.addToCart(ann, kettle, quantity: 1)
        let order = try await shop.deliveryOrder(ann, zone: "cbd", method: "cash_on_delivery").json(DeliveryOrder.self)
        let collected = await shop.collect(order.id, #"{"method": "cash"}"#)
        #expect(collected.status == 200, "\(collected.text)")
        let shipped = try await shop.shop.request(
            "POST", "/orders/\(order.id)/ship", token: shop.admin, json: ["carrier": "Rider", "tracking_number": "R-1"])
        #expect(shipped.status == 200, "\(shipped.text)")

        let response = await shop.shop.request("GET", "/orders/\(order.id)/timeline", token: ann)
        #expect(response.status == 200, "\(response.text)")
        let timeline = try response.json(Timeline.self)
        #expect(timeline.status == "shipped")
        #expect(timeline.items.map(\.to) == ["confirmed", "paid", "shipped"])
        #expect(timeline.items.map(\.from) == [nil, "confirmed", "paid"])
        #expect(timeline.items.map(\.actor) == ["customer", "admin", "admin"])
        #expect(timeline.items.allSatisfy { $0.actorID == nil })
        #expect(!response.text.contains("usr_") && !response.text.contains("actor_id"))
        #expect(timeline.items.map(\.at) == timeline.items.map(\.at).sorted())

        #expect(await shop.shop.request("GET", "/orders/\(order.id)/timeline", token: bob).status == 404)
        #expect(await shop.shop.request("GET", "/orders/\(order.id)/timeline").status == 401)
        #expect(await shop.shop.request("GET", "/orders/nonsense/timeline", token: ann).status == 404)
        let admin = try await shop.shop.request("GET", "/admin/orders/\(order.id)/timeline", token: shop.admin)
            .json(Timeline.self)
        #expect(admin.items.count == 3 && admin.items.allSatisfy { $0.actorID?.isEmpty == false })
        #expect(await shop.shop.request("GET", "/admin/orders/\(order.id)/timeline", token: ann).status == 403)

        // A cancellation carries its reason.
        try await shop.addToCart(ann, kettle, quantity: 1)
        let second = try await shop.deliveryOrder(ann, zone: "cbd").json(DeliveryOrder.self)
        #expect(await shop.shop.request("POST", "/orders/\(second.id)/cancel", token: ann).status == 200)
        let cancelled = try await shop.shop.request("GET", "/orders/\(second.id)/timeline", token: ann).json(Timeline.self)
        #expect(cancelled.items.map(\.to) == ["pending_payment", "cancelled"])
        #expect(cancelled.items.last?.reason == "customer")
        await shop.shutdown()
    }
}

/// Pay on delivery from checkout to collection, on either store.
enum PayOnDelivery {
    static func run(_ shop: OrdersShop) async throws {
        let ann = try await shop.shop.customer("ann@example.com")
        let kettle = try await shop.product("KETTLE", price: 100_000, onHand: 10)
        try await shop.standardZones()
        try await shop.addToCart(ann, kettle, quantity: 2)

        // Only where the zone allows it.
        let refused = try await shop.deliveryOrder(ann, zone: "upcountry", method: "cash_on_delivery")
        #expect(refused.status == 422 && refused.problem?.code == "payment-method-unavailable", "\(refused.text)")
        #expect(try await shop.deliveryOrder(ann, zone: "cbd", method: "cheque").status == 422)

        let placed = try await shop.deliveryOrder(ann, zone: "cbd", method: "cash_on_delivery")
        #expect(placed.status == 201, "\(placed.text)")
        let order = try placed.json(DeliveryOrder.self)
        #expect(order.status == "confirmed" && order.paymentMethod == "cash_on_delivery")
        #expect(order.total == 220_000)
        #expect(try await shop.available(kettle) == 8)
        // Committed, so the expiry of reservations cannot hand the units to someone else, and
        // the expiry of unpaid orders leaves it alone.
        let reservation = try await shop.shop.store("catalog").query(
            "SELECT status FROM reservations WHERE order_id = $1", [.text(order.id)])
        #expect(try reservation.first?.string("status") == "committed")
        let now = Int(Date().timeIntervalSince1970)
        #expect(try await ExpireOrders.run(now: now + 7 * 86_400, context: shop.context()).cancelled.isEmpty)
        let placedEvent = try await shop.events().last { $0.name == "order.placed" }
        #expect(placedEvent?.payload.paymentMethod == "cash_on_delivery")
        #expect(placedEvent?.payload.status == "confirmed")
        // Online payment is not offered for it.
        let details = try await shop.shop.request(
            "POST", "/internal/orders/payment", token: shop.service, json: ["order_id": order.id])
        #expect(try details.json(PaymentStatus.self).status == "confirmed")

        // Collection: validated, admin only, then paid with order.paid carrying the money.
        #expect(await shop.collect(order.id, #"{"method": "card"}"#).status == 422)
        let byCustomer = await shop.shop.request(
            "POST", "/admin/orders/\(order.id)/collect", token: ann, body: Array(#"{"method": "cash"}"#.utf8))
        #expect(byCustomer.status == 403)
        let collected = await shop.collect(order.id, #"{"method": "mpesa", "reference": " QKX12ABC3D "}"#)
        #expect(collected.status == 200, "\(collected.text)")
        #expect(try collected.json(DeliveryOrder.self).status == "paid")
        let paid = try await shop.events().last { $0.name == "order.paid" }
        #expect(
            paid?.payload.payment == OrderEvent.Payment(method: "mpesa", amount: 220_000, currency: "KES", receipt: "QKX12ABC3D"))
        #expect(paid?.payload.deliveryZone == "Nairobi CBD")
        let again = await shop.collect(order.id, #"{"method": "cash"}"#)
        #expect(again.status == 409 && again.problem?.code == "illegal-transition")
        #expect(try await shop.available(kettle) == 8)

        // An online order is not the merchant's to collect.
        try await shop.addToCart(ann, kettle, quantity: 1)
        let online = try await shop.deliveryOrder(ann, zone: "cbd").json(DeliveryOrder.self)
        let notPOD = await shop.collect(online.id, #"{"method": "cash"}"#)
        #expect(notPOD.status == 409 && notPOD.problem?.code == "not-pay-on-delivery", "\(notPOD.text)")
        #expect(await shop.collect("00000000-0000-0000-0000-000000000000", #"{"method": "cash"}"#).status == 404)

        // Cancelled before collection, the committed units go back to the shelf.
        try await shop.addToCart(ann, kettle, quantity: 3)
        let third = try await shop.deliveryOrder(ann, zone: "pickup", method: "mpesa_on_delivery").json(DeliveryOrder.self)
        #expect(third.status == "confirmed")
        #expect(try await shop.available(kettle) == 4)
        let cancelled = await shop.shop.request("POST", "/orders/\(third.id)/cancel", token: ann)
        #expect(cancelled.status == 200, "\(cancelled.text)")
        #expect(try await shop.available(kettle) == 7)
        #expect(await shop.collect(third.id, #"{"method": "cash"}"#).status == 409)
    }
}

/// Ten admins record the same collection at once: exactly one succeeds, one `order.paid`.
enum CollectionRace {
    static func run(_ shop: OrdersShop) async throws {
        let ann = try await shop.shop.customer("ann@example.com")
        let kettle = try await shop.product("KETTLE", price: 100_000, onHand: 10)
        try await shop.standardZones()
        try await shop.addToCart(ann, kettle, quantity: 1)
        let order = try await shop.deliveryOrder(ann, zone: "cbd", method: "cash_on_delivery").json(DeliveryOrder.self)
        let statuses = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<10 { group.addTask { await shop.collect(order.id, #"{"method": "cash"}"#).status } }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.filter { $0 == 200 }.count == 1, "\(statuses)")
        #expect(statuses.filter { $0 == 409 }.count == 9, "\(statuses)")
        #expect(try await shop.events().filter { $0.name == "order.paid" && $0.payload.orderID == order.id }.count == 1)
    }
}
