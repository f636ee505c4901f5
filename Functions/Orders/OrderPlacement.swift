import Contracts
import SokoFunctions

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Steps 2–5 of placing an order (docs/commerce.md, "Orders"), safe to run by several requests
/// with the same key at once: pricing is stored by whoever gets there first, the reservation is
/// idempotent on the order id, and the confirming update succeeds once.
struct OrderPlacement {
    let customerID: String
    let context: FunctionContext
    let settings: OrdersSettings
    /// The request's own lines ("buy now"); nil: the customer's cart.
    var items: [PlaceOrder.RequestedItem]? = nil
    /// The coupon to redeem (normalised), or nil.
    var couponCode: String? = nil
    /// A guest order's contact (its `customerID` is then ``GuestDetails/customerID``), or nil.
    var guest: GuestDetails? = nil
    /// A guest order's cart (`X-Cart-Token`), ordered when there are no `items`.
    var cartToken: String? = nil
    /// The delivery zone and payment method chosen, or nil (a shop without zones).
    var delivery: DeliveryChoice? = nil

    /// A refusal that rejects the order: it is stored and answered on every repeat of the key.
    struct Refusal: Error {
        var problem: StoredProblem
    }

    /// Carries `order` as far as it goes and returns it in its final state (`pending_payment` or
    /// later, or `rejected`). A failure of a call (catalog or cart unreachable) is thrown and
    /// leaves the order `placing`: a retry with the key carries on, and otherwise the expiry
    /// schedule rejects it and releases its stock.
    func complete(_ start: Order) async throws -> Order {
        var order = start
        guard order.status == .placing else { return order }
        if order.pricedAt == nil {
            do {
                order = try await storePricing(order, try await price())
            } catch let refusal as Refusal {
                // Only an unpriced order is rejected for its cart: once a duplicate request has
                // priced it, that snapshot stands.
                order = try await reject(order.id, refusal.problem, onlyUnpriced: true)
            }
            guard order.status == .placing else { return order }
        }
        do {
            try await Stock.reserve(order, ttl: settings.orderTTL + settings.reservationMargin, context: context)
        } catch let error as InvocationError where error.status == 409 || error.status == 422 {
            let refused =
                error.code == "unknown-product"
                ? StoredProblem(
                    status: 422, code: "product-unavailable", detail: "a product in the cart is no longer sold",
                    errors: error.problem.errors)
                : StoredProblem(error.problem)
            return try await rejectAndRelease(order.id, refused)
        }
        if order.paysOnDelivery, let refused = try await commitForDelivery(order) { return refused }
        do {
            order = try await confirm(order.id)
        } catch {
            // The reservation must not outlive a failed confirmation. Releasing while the order is
            // still `placing` could pull it from under a duplicate request about to confirm, so
            // the order is rejected first (conditionally), and released only if that committed.
            context.logger.error("order confirmation failed", metadata: ["order_id": "\(order.id)", "error": "\(error)"])
            let problem = StoredProblem(
                status: 409, code: "order-incomplete",
                detail: "placing the order did not complete and nothing was reserved; place it again with a new Idempotency-Key")
            if (try? await rejectAndRelease(order.id, problem)) == nil {
                context.logger.warning(
                    "order left placing; the expiry schedule releases it", metadata: ["order_id": "\(order.id)"])
            }
            throw error
        }
        if order.status == .rejected {
            // Rejected meanwhile (by the expiry schedule or a refused duplicate): our reservation goes.
            await Stock.release(orderID: order.id, context: context)
        } else if items == nil {
            // The ordered units leave the cart before the customer sees the order (so a unit added
            // right after is not taken by a late clear). Once per order; `order.placed` does it if
            // this call cannot.
            await CartClearing.clear(order, cartToken: cartToken, context: context)
        }
        return order
    }

    /// An order's price snapshot: its currency, lines and totals.
    typealias Priced = (currency: String, lines: [OrderLine], totals: OrderTotals)

    /// Inserts a new order under `key` in one transaction: `placing` with its price snapshot, or
    /// `rejected` with the refusal (stored, so every repeat of the key answers it). Throws
    /// `StoreError.uniqueViolation` when another request holds the key, and 409
    /// `too-many-pending-orders` (storing nothing) when the order would pass the customer's cap.
    func insert(key: String, request: String, shippingAddress: String, priced: Result<Priced, Refusal>) async throws -> Order {
        let id = UUID().uuidString.lowercased()
        let customerID = self.customerID
        let pendingLimit = settings.maxPendingOrders
        let coupon = couponRedemption
        let delivery = self.delivery
        return try await context.store.transaction { transaction in
            if case .success = priced { try PendingOrders.lock(customerID: customerID, in: transaction) }
            let now = context.now.timestamp
            try transaction.execute(
                """
                INSERT INTO orders (id, customer_id, idempotency_key, request, status, shipping_address, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
                """,
                [
                    .text(id), .text(customerID), .text(key), .text(request), .text(OrderStatus.placing.rawValue),
                    .text(shippingAddress), .text(now),
                ])
            if let guest { try GuestOrders.record(guest, orderID: id, in: transaction) }
            try delivery?.record(orderID: id, in: transaction)
            switch priced {
            case .success(let snapshot):
                try PendingOrders.enforce(customerID: customerID, limit: pendingLimit, in: transaction)
                try Self.storePricingOrReject(orderID: id, snapshot, coupon: coupon, at: now, in: transaction)
            case .failure(let refusal):
                try OrderRejection.reject(
                    orderID: id, problem: refusal.problem, onlyUnpriced: true, releaseDue: false,
                    actor: "customer:\(customerID)", at: now, in: transaction)
            }
            guard let order = try OrderRepository.find(id: id, in: transaction) else { throw OrdersProblem.orderNotFound }
            return order
        }
    }

    /// Server-side lines and totals for the requested items, or else the customer's cart.
    func price() async throws -> Priced {
        let requested: [OrderLineKey.Requested]
        if let items {
            requested = items.map { (OrderLineKey(productID: $0.productID, variantID: $0.variantID), $0.quantity) }
        } else {
            let cart = try await context.invoke(
                CartContract.checkoutCart, CustomerReference(customerID: customerID, cartToken: cartToken))
            requested = cart.items.map { (OrderLineKey(productID: $0.productID, variantID: $0.variantID), $0.quantity) }
        }
        var quantities: [OrderLineKey: Int] = [:]
        var keys: [OrderLineKey] = []
        for item in requested where item.quantity > 0 {
            if quantities[item.key] == nil { keys.append(item.key) }
            quantities[item.key, default: 0] += item.quantity
        }
        let productIDs = keys.map(\.productID)
        guard !keys.isEmpty else {
            throw Refusal(problem: StoredProblem(status: 422, code: "cart-empty", detail: "the cart is empty"))
        }
        try checkLineQuantities(keys.map { quantities[$0] ?? 0 })
        let found = try await context.invoke(CatalogContract.lookupProducts, ProductLookup(productIDs: productIDs))
        let products = Dictionary(found.products.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        try OrderLineKey.requireVariants(keys, products)
        var lines: [OrderLine] = []
        var errors: [FieldError] = []
        for (index, key) in keys.enumerated() {
            let productID = key.productID
            guard let product = products[productID], !product.archived, let priced = key.priced(product), priced.price >= 0
            else {
                errors.append(FieldError(field: "lines[\(index)].product_id", message: "\(productID) is no longer available"))
                continue
            }
            let quantity = quantities[key] ?? 0
            let (lineTotal, overflow) = priced.price.multipliedReportingOverflow(by: quantity)
            guard !overflow else {
                errors.append(FieldError(field: "lines[\(index)].quantity", message: "is too large"))
                continue
            }
            lines.append(
                OrderLine(
                    productID: productID, sku: priced.sku, name: product.name, unitPrice: priced.price, quantity: quantity,
                    lineTotal: lineTotal, variantID: key.variantID, optionText: priced.optionText))
        }
        guard errors.isEmpty else {
            throw Refusal(
                problem: StoredProblem(
                    status: 422, code: "product-unavailable", detail: "some products in the cart are no longer sold",
                    errors: errors))
        }
        let currencies = Set(productIDs.compactMap { products[$0]?.currency })
        guard currencies.count == 1, let currency = currencies.first else {
            throw Refusal(
                problem: StoredProblem(
                    status: 422, code: "currency-mismatch",
                    detail: "an order is paid in one currency; the cart holds \(currencies.sorted().joined(separator: ", "))"))
        }
        try delivery?.check(currency: currency)
        guard let totals = OrderTotals.compute(lineTotals: lines.map(\.lineTotal), settings: settings) else {
            throw Refusal(problem: StoredProblem(status: 422, code: "order-too-large", detail: "the order total is too large"))
        }
        return (currency, lines, totals)
    }

    /// A cart line above `SOKO_MAX_LINE_QUANTITY` (one added before the limit was lowered, or summed
    /// at a guest cart's merge) refuses the order with 422 `quantity-over-limit`, naming the lines.
    func checkLineQuantities(_ quantities: [Int]) throws {
        let limit = settings.maxLineQuantity
        let errors = quantities.enumerated().filter { $0.element > limit }.map { index, quantity in
            FieldError(field: "lines[\(index)].quantity", message: "at most \(limit) per order line (the cart holds \(quantity))")
        }
        guard errors.isEmpty else {
            throw Refusal(
                problem: StoredProblem(
                    status: 422, code: "quantity-over-limit",
                    detail: "an order line holds at most \(limit) units of a product; lower the quantity in the cart",
                    errors: errors))
        }
    }

    /// Stores the price snapshot unless a duplicate request stored one first; returns the order as
    /// stored (with whichever snapshot won).
    func storePricing(_ order: Order, _ priced: (currency: String, lines: [OrderLine], totals: OrderTotals)) async throws
        -> Order
    {
        let id = order.id
        let now = context.now.timestamp
        let coupon = couponRedemption
        return try await context.store.transaction { transaction in
            try Self.storePricingOrReject(orderID: id, priced, coupon: coupon, at: now, in: transaction)
            guard let stored = try OrderRepository.find(id: id, in: transaction) else { throw OrdersProblem.orderNotFound }
            return stored
        }
    }

    /// The coupon this placement redeems, with what redeeming it needs.
    struct CouponRedemptionRequest: Sendable {
        var code: String
        var customerID: String
        var settings: OrdersSettings
    }

    var couponRedemption: CouponRedemptionRequest? {
        couponCode.map { CouponRedemptionRequest(code: $0, customerID: customerID, settings: settings) }
    }

    /// ``storePricing(orderID:_:coupon:at:in:)``, rejecting the order (in the same transaction)
    /// when its coupon is refused, so the refusal is stored and answered on every repeat of the key.
    static func storePricingOrReject(
        orderID id: String, _ priced: Priced, coupon: CouponRedemptionRequest?, at now: String, in transaction: Transaction
    ) throws {
        do {
            try storePricing(orderID: id, priced, coupon: coupon, at: now, in: transaction)
        } catch let refusal as Refusal {
            try OrderRejection.reject(
                orderID: id, problem: refusal.problem, onlyUnpriced: false, releaseDue: false,
                actor: "customer:\(coupon?.customerID ?? "")", at: now, in: transaction)
        }
    }

    /// The snapshot's part of ``storePricing(_:_:)``, inside a caller's transaction; `now` is the
    /// store's timestamp text. The order is claimed first (priced once, its row locked), then the
    /// coupon is redeemed in the same transaction (``CouponRedemption``).
    /// - Throws: ``Refusal`` when the coupon is refused (after which the caller rejects the order).
    static func storePricing(
        orderID id: String, _ priced: Priced, coupon: CouponRedemptionRequest? = nil, at now: String,
        in transaction: Transaction
    ) throws {
        let changed = try transaction.execute(
            """
            UPDATE orders SET currency = $2, subtotal = $3, shipping = $4, tax = $5, total = $6, priced_at = $7,
                updated_at = $7, vat_rate_bps = $8
            WHERE id = $1 AND status = 'placing' AND priced_at IS NULL
            """,
            [
                .text(id), .text(priced.currency), SQLValue(priced.totals.subtotal), SQLValue(priced.totals.shipping),
                SQLValue(priced.totals.tax), SQLValue(priced.totals.total), .text(now),
                priced.totals.vatIncludedRateBasisPoints.map { SQLValue($0) } ?? .null,
            ])
        guard changed == 1 else { return }
        if let coupon {
            let totals = try CouponRedemption.redeem(
                code: coupon.code, orderID: id, customerID: coupon.customerID, currency: priced.currency,
                lines: priced.lines, settings: coupon.settings, at: now, in: transaction)
            try transaction.execute(
                "UPDATE orders SET discount = $2, coupon_code = $3, shipping = $4, tax = $5, total = $6 WHERE id = $1",
                [
                    .text(id), SQLValue(totals.discount), .text(coupon.code), SQLValue(totals.shipping), SQLValue(totals.tax),
                    SQLValue(totals.total),
                ])
        }
        for (position, line) in priced.lines.enumerated() {
            try transaction.execute(
                """
                INSERT INTO order_lines (
                    order_id, product_id, position, sku, name, unit_price, quantity, line_total, variant_id, option_text)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                """,
                [
                    .text(id), .text(line.productID), SQLValue(position), .text(line.sku), .text(line.name),
                    SQLValue(line.unitPrice), SQLValue(line.quantity), SQLValue(line.lineTotal),
                    .text(line.variantID ?? ""), SQLValue(line.optionText),
                ])
        }
    }

    /// `placing → pending_payment` (or `confirmed`, paid on delivery) and `order.placed`, once;
    /// returns the order as it now is.
    func confirm(_ id: String) async throws -> Order {
        try await context.store.transaction { transaction in
            let now = context.now.timestamp
            let target: OrderStatus =
                try OrderRepository.find(id: id, in: transaction)?.paysOnDelivery == true ? .confirmed : .pendingPayment
            let changed = try transaction.execute(
                "UPDATE orders SET status = $3, placed_at = $2, updated_at = $2 WHERE id = $1 AND status = 'placing'",
                [.text(id), .text(now), .text(target.rawValue)])
            guard let order = try OrderRepository.find(id: id, in: transaction) else { throw OrdersProblem.orderNotFound }
            if changed == 1 {
                try transaction.recordTransition(
                    orderID: id, from: .placing, to: target, actor: "customer:\(order.customerID)", reason: nil, at: now)
                try transaction.emitOrderEvent(OrderEvents.placed, order: order, previousStatus: .placing)
            }
            return order
        }
    }

    /// Rejects the order if it is still `placing` and, if it is rejected now, releases whatever
    /// stock is reserved for it.
    func rejectAndRelease(_ id: String, _ problem: StoredProblem) async throws -> Order {
        let order = try await reject(id, problem, onlyUnpriced: false, releaseDue: true)
        if order.status == .rejected { await Stock.release(orderID: id, context: context) }
        return order
    }

    func reject(_ id: String, _ problem: StoredProblem, onlyUnpriced: Bool, releaseDue: Bool = false) async throws -> Order {
        try await OrderRejection.reject(
            orderID: id, problem: problem, onlyUnpriced: onlyUnpriced, releaseDue: releaseDue,
            actor: "customer:\(customerID)", at: context.now.timestamp, store: context.store)
    }
}

/// `placing → rejected`, shared by placeOrder and the expiry schedule.
enum OrderRejection {
    /// Rejects the order if it is still `placing` (and unpriced, when `onlyUnpriced`); returns the
    /// order as it now is, whoever changed it. `now` is the store's timestamp text.
    static func reject(
        orderID: String, problem: StoredProblem, onlyUnpriced: Bool, releaseDue: Bool, actor: String, at now: String,
        store: Store
    ) async throws -> Order {
        try await store.transaction { transaction in
            try reject(
                orderID: orderID, problem: problem, onlyUnpriced: onlyUnpriced, releaseDue: releaseDue, actor: actor,
                at: now, in: transaction)
            guard let order = try OrderRepository.find(id: orderID, in: transaction) else { throw OrdersProblem.orderNotFound }
            return order
        }
    }

    /// The same inside a caller's transaction.
    static func reject(
        orderID: String, problem: StoredProblem, onlyUnpriced: Bool, releaseDue: Bool, actor: String, at now: String,
        in transaction: Transaction
    ) throws {
        let changed = try transaction.execute(
            """
            UPDATE orders SET status = 'rejected', failure = $2, release_due = $3, updated_at = $4
            WHERE id = $1 AND status = 'placing'\(onlyUnpriced ? " AND priced_at IS NULL" : "")
            """,
            [.text(orderID), .text(problem.json), SQLValue(releaseDue), .text(now)])
        if changed == 1 {
            try transaction.recordTransition(
                orderID: orderID, from: .placing, to: .rejected, actor: actor, reason: problem.code, at: now)
            // Stock refused after the coupon was redeemed, or the placement died: the use goes back.
            try CouponRedemption.giveBack(orderID: orderID, in: transaction)
        }
    }
}
