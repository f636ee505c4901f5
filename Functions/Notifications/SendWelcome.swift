import Contracts
import SokoFunctions

/// `sendWelcome` — on `user.registered`: the welcome email, to the address just registered.
struct SendWelcome: DependentEventFunction {
    let settings: NotificationSettings

    @discardableResult
    func run(_ event: Event<UserContact>, context: FunctionContext) async throws -> DeliveryOutcome {
        let user = event.payload
        return try await NotificationDelivery.deliver(event, kind: .welcome, context: context, settings: settings) {
            guard let to = Mailbox(name: user.name, address: user.email) else {
                throw Undeliverable(description: "the address of user \(user.userID) cannot be written to")
            }
            return (to, MailTemplates.welcome(user, shop: settings.shop))
        }
    }
}
