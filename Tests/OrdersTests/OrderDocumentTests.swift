import SokoFunctions
import Testing

@testable import Contracts
@testable import Orders

/// Orders encodes its `Order`; the console and the storefront decode `Contracts.OrderDocument`.
/// These keep the two in step: every field the pages read must come through.
/// The pages' order document (this target has an `OrderDocument` of its own, OrdersShop.swift).
typealias ContractOrder = Contracts.OrderDocument

@Suite("Order document")
struct OrderDocumentTests {
    /// An order as the store gives it back: its row (the columns ``Order/columns`` names; absent
    /// ones are NULL) and its lines.
    static func order(_ columns: [String: SQLValue], address: ShippingAddress, lines: [OrderLine]) throws -> Order {
        var columns = columns
        columns["shipping_address"] = .text(String(decoding: try JSONCoding.encode(address), as: UTF8.self))
        let names = Array(columns.keys)
        return try Order(row: Row(columns: names, values: names.map { columns[$0] ?? .null }), lines: lines)
    }

    /// A guest's order with a variant line, a coupon, a delivery zone, VAT included and cash on delivery.
    static func guestOrder() throws -> Order {
        try order(
            [
                "id": "4f7c1a52-0000-4000-8000-000000000001", "customer_id": "guest:abc123", "idempotency_key": "key-1",
                "request": "{}", "status": "confirmed", "currency": "KES", "subtotal": 250_000, "discount": 25_000,
                "coupon_code": "SAVE10", "shipping": 20_000, "tax": 33_793, "total": 245_000, "vat_rate_bps": 1_600,
                "carrier": "G4S", "tracking_number": "TRK-1", "created_at": "2026-12-01T10:00:00.000Z",
                "updated_at": "2026-12-01T10:05:00.000Z", "placed_at": "2026-12-01T10:00:01.000Z",
                "delivery_zone_id": "cbd", "delivery_zone_name": "Nairobi CBD", "delivery_pickup": 1,
                "payment_method": "cash_on_delivery", "guest_email": "ann@example.com", "guest_phone": "254712345678",
            ],
            address: ShippingAddress(
                name: "Ann", line1: "1 Moi Avenue", line2: "Flat 3", city: "Nairobi", postalCode: "00100", country: "KE",
                phone: "+254712345678"),
            lines: [
                OrderLine(
                    productID: "p-shoe", sku: "SHOE-42", name: "Runner", unitPrice: 150_000, quantity: 1,
                    lineTotal: 150_000, variantID: "v-42", optionText: "Size: 42"),
                OrderLine(
                    productID: "p-sock", sku: "SOCK", name: "Socks", unitPrice: 50_000, quantity: 2, lineTotal: 100_000),
            ])
    }

    /// A customer's order in a shop without zones: no coupon, tax on top, not priced or shipped yet.
    static func plainOrder() throws -> Order {
        try order(
            [
                "id": "4f7c1a52-0000-4000-8000-000000000002", "customer_id": "customer-1", "idempotency_key": "key-2",
                "request": "{}", "status": "pending_payment", "subtotal": 1_000, "shipping": 300, "tax": 160,
                "total": 1_460, "created_at": "2026-12-02T09:00:00.000Z", "updated_at": "2026-12-02T09:00:00.000Z",
            ],
            address: ShippingAddress(name: "", line1: "2 Kenyatta Avenue", city: "Mombasa", country: "KE"),
            lines: [
                OrderLine(productID: "p-1", sku: "ONE", name: "One", unitPrice: 1_000, quantity: 1, lineTotal: 1_000)
            ])
    }

    static func document<Value: Encodable>(_ value: Value) throws -> ContractOrder {
        try JSONCoding.decode(ContractOrder.self, from: try JSONCoding.encode(value))
    }

    @Test func guestOrderWithVariantCouponAndZone() throws {
        let document = try Self.document(try Self.guestOrder())
        #expect(document.id == "4f7c1a52-0000-4000-8000-000000000001")
        #expect(document.customerID == "guest:abc123")
        #expect(document.status == "confirmed")
        #expect(document.currency == "KES")
        #expect(document.subtotal == 250_000)
        #expect(document.discount == 25_000)
        #expect(document.couponCode == "SAVE10")
        #expect(document.shipping == 20_000)
        #expect(document.tax == 33_793)
        #expect(document.total == 245_000)
        #expect(document.pricesIncludeVAT)
        #expect(document.vatRateBasisPoints == 1_600)
        #expect(
            document.lines == [
                ContractOrder.Line(
                    productID: "p-shoe", sku: "SHOE-42", name: "Runner", unitPrice: 150_000, quantity: 1,
                    lineTotal: 150_000, variantID: "v-42", optionText: "Size: 42"),
                ContractOrder.Line(
                    productID: "p-sock", sku: "SOCK", name: "Socks", unitPrice: 50_000, quantity: 2, lineTotal: 100_000,
                    variantID: nil, optionText: nil),
            ])
        #expect(
            document.shippingAddress
                == ContractOrder.Address(
                    name: "Ann", line1: "1 Moi Avenue", line2: "Flat 3", city: "Nairobi", postalCode: "00100",
                    country: "KE", phone: "+254712345678"))
        #expect(document.delivery == ContractOrder.Delivery(zone: "cbd", name: "Nairobi CBD", fee: 20_000, pickup: true))
        #expect(document.paymentMethod == "cash_on_delivery")
        #expect(document.carrier == "G4S")
        #expect(document.trackingNumber == "TRK-1")
        #expect(document.createdAt == "2026-12-01T10:00:00.000Z")
        #expect(document.updatedAt == "2026-12-01T10:05:00.000Z")
        #expect(document.guestEmail == "ann@example.com")
        #expect(document.guestPhone == "254712345678")
        // The public document carries no admin parts.
        #expect(document.placedAt == nil && document.paidAt == nil)
        #expect(document.transitions == nil && document.nextStates == nil)
    }

    @Test func plainOrderHasItsNulls() throws {
        let document = try Self.document(try Self.plainOrder())
        #expect(document.currency == nil)
        #expect(document.discount == 0)
        #expect(document.couponCode == nil)
        #expect(!document.pricesIncludeVAT)
        #expect(document.vatRateBasisPoints == nil)
        #expect(document.delivery == nil)
        #expect(document.paymentMethod == "online")
        #expect(document.carrier == nil && document.trackingNumber == nil)
        #expect(document.guestEmail == nil && document.guestPhone == nil)
        #expect(
            document.shippingAddress
                == ContractOrder.Address(
                    name: "", line1: "2 Kenyatta Avenue", line2: nil, city: "Mombasa", postalCode: nil, country: "KE",
                    phone: nil))
    }

    @Test func adminDetailAddsTimesTransitionsAndNextStates() throws {
        var order = try Self.guestOrder()
        order.paidAt = "2026-12-01T11:00:00.000Z"
        order.status = .paid
        let detail = AdminOrderDetail(
            order: order,
            transitions: [
                OrderTransitionRecord(
                    from: "placing", to: "confirmed", at: "2026-12-01T10:00:01.000Z", actor: "customer:guest:abc123"),
                OrderTransitionRecord(
                    from: "confirmed", to: "paid", at: "2026-12-01T11:00:00.000Z", actor: "admin:a-1", reason: "collected"),
            ])
        let document = try Self.document(detail)
        // The order document, plus the admin parts.
        var plain = document
        (plain.placedAt, plain.paidAt, plain.transitions, plain.nextStates) = (nil, nil, nil, nil)
        #expect(plain == (try Self.document(order)))
        #expect(document.placedAt == "2026-12-01T10:00:01.000Z")
        #expect(document.paidAt == "2026-12-01T11:00:00.000Z")
        #expect(
            document.transitions == [
                ContractOrder.Step(
                    from: "placing", to: "confirmed", at: "2026-12-01T10:00:01.000Z", actor: "customer:guest:abc123",
                    actorID: nil, reason: nil),
                ContractOrder.Step(
                    from: "confirmed", to: "paid", at: "2026-12-01T11:00:00.000Z", actor: "admin:a-1", actorID: nil,
                    reason: "collected"),
            ])
        #expect(document.nextStates == detail.nextStates.map(\.rawValue))
        #expect(document.nextStates?.isEmpty == false)
    }

    @Test func placedGuestOrderAndListsDecode() throws {
        let placed = try Self.document(GuestPlaceOrder.Placed(order: try Self.guestOrder(), accessToken: "token"))
        let guest = try Self.document(try Self.guestOrder())
        let plain = try Self.document(try Self.plainOrder())
        #expect(placed == guest)
        let page = try JSONCoding.decode(
            ContractOrder.Page.self,
            from: try JSONCoding.encode(OrderPage(orders: [try Self.guestOrder(), try Self.plainOrder()], nextCursor: "next")))
        #expect(page.items == [guest, plain])
        #expect(page.nextCursor == "next")
    }

    @Test func timelineDecodes() throws {
        let timeline = OrderTimeline(
            orderID: "o-1", status: .cancelled,
            items: [
                TimelineEntry(from: nil, to: "pending_payment", at: "2026-12-01T10:00:00.000Z", actor: "customer"),
                TimelineEntry(
                    from: "pending_payment", to: "cancelled", at: "2026-12-01T10:30:00.000Z", actor: "system",
                    actorID: "expiry", reason: "expired"),
            ])
        let document = try JSONCoding.decode(ContractOrder.Timeline.self, from: try JSONCoding.encode(timeline))
        #expect(document.orderID == "o-1")
        #expect(document.status == "cancelled")
        #expect(
            document.items == [
                ContractOrder.Step(
                    from: nil, to: "pending_payment", at: "2026-12-01T10:00:00.000Z", actor: "customer", actorID: nil,
                    reason: nil),
                ContractOrder.Step(
                    from: "pending_payment", to: "cancelled", at: "2026-12-01T10:30:00.000Z", actor: "system",
                    actorID: "expiry", reason: "expired"),
            ])
    }
}
