import Contracts
import SokoFunctions

/// `POST /internal/orders/guest-access` (`auth: service`): `{order_id}` → a fresh order-access
/// token for a guest order with the guest's contact — Notifications mints it as it composes the
/// order confirmation, so the token is in the mail and nowhere in plain text. 404 for a missing
/// order or one placed by a customer.
enum GuestOrderAccessGrant: Function {
    static let name = "guestOrderAccess"

    static func run(_ input: GuestOrderReference, context: FunctionContext) async throws -> GuestOrderAccess {
        guard OrderRepository.isOrderID(input.orderID),
            let order = try await OrderRepository.find(id: input.orderID, in: context.store), order.status.isPublic,
            let email = order.guestEmail
        else { throw OrdersProblem.orderNotFound }
        let access = try await GuestAccessTokens.issue(orderID: order.id, at: context.now, store: context.store)
        return GuestOrderAccess(
            token: access.token, expiresAt: access.expiresAt.unixSeconds,
            contact: GuestContact(email: email, phone: order.guestPhone, name: order.shippingAddress.name))
    }
}

/// `POST /internal/orders/guest-contact` (`auth: service`): `{customer_id: "guest:…"}` → the
/// guest's `{email, phone, name}` as their latest order holds them, for the mails and texts about
/// a guest's orders. 404 when no order has that guest.
enum GuestContactLookup: Function {
    static let name = "guestContact"

    static func run(_ input: CustomerReference, context: FunctionContext) async throws -> GuestContact {
        guard GuestOrdersContract.isGuest(input.customerID),
            let row = try await context.store.query(
                """
                SELECT guest_email, guest_phone, shipping_address FROM orders
                WHERE customer_id = $1 AND guest_email IS NOT NULL ORDER BY created_at DESC LIMIT 1
                """,
                [.text(input.customerID)]
            ).first, let email = try row.string("guest_email")
        else { throw FunctionError.notFound("no such guest", code: "guest-not-found") }
        let address = try? JSONCoding.decode(
            ShippingAddress.self, from: Array((try row.string("shipping_address") ?? "{}").utf8))
        return GuestContact(email: email, phone: try row.string("guest_phone"), name: address?.name ?? "")
    }
}
