import Contracts
import SokoFunctions

/// `sendOrderConfirmation` — on `order.placed`: the order's lines and totals; to a guest, with the
/// order-access link.
struct SendOrderConfirmation: DependentEventFunction {
    let settings: NotificationSettings

    @discardableResult
    func run(_ event: Event<OrderEvent>, context: FunctionContext) async throws -> DeliveryOutcome {
        let order = event.payload
        return try await NotificationDelivery.deliver(event, kind: .orderConfirmation, context: context, settings: settings) {
            if GuestOrdersContract.isGuest(order.customerID) { return try await guestMail(order, context: context) }
            let customer = try await CustomerContact.lookup(order.customerID, context: context)
            return (customer.mailbox, MailTemplates.orderConfirmation(order, name: customer.name, shop: settings.shop))
        }
    }

    /// A guest order's mail: the token is minted by `orders.guestOrderAccess` as the mail is
    /// composed (the event carries none) and the link is `<SOKO_PUBLIC_URL>/orders/access/<token>`,
    /// the storefront's order page for guests.
    func guestMail(_ order: OrderEvent, context: FunctionContext) async throws -> (Mailbox, MailContent) {
        let access: GuestOrderAccess
        do {
            access = try await context.invoke(GuestOrdersContract.orderAccess, GuestOrderReference(orderID: order.orderID))
        } catch let error as InvocationError where error.status == 404 || error.status == 422 {
            throw Undeliverable(description: "orders has no guest order \(order.orderID)")
        }
        guard let to = Mailbox(name: access.contact.name, address: access.contact.email) else {
            throw Undeliverable(description: "the address of the guest of order \(order.orderID) cannot be written to")
        }
        let url = settings.publicURL + "/orders/access/" + access.token
        let days = max(1, (access.expiresAt - context.now.unixSeconds) / 86_400)
        return (
            to,
            MailTemplates.guestOrderConfirmation(
                order, name: access.contact.name, url: url, days: days, shop: settings.shop)
        )
    }
}
