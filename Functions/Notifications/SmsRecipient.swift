import Contracts
import SokoFunctions

/// Whose phone a text about an order goes to.
///
/// A customer's number and SMS choice come from Users (`users.smsContact`). A guest
/// (`customer_id` `guest:…`) has no account: Orders keeps the phone they gave with their order
/// (`orders.guestContact`, their latest order's), and a guest who gave one gets the texts about
/// their orders — it is the number they pay from, given at checkout for that purpose; a guest who
/// gave none is skipped as a customer without a phone is.
enum SmsRecipient {
    /// The contact for `customerID`, or nil when neither Users nor Orders knows them (404/422);
    /// other failures are thrown for a retry.
    static func contact(of customerID: String, context: FunctionContext) async throws -> SmsContact? {
        do {
            guard GuestOrdersContract.isGuest(customerID) else {
                return try await context.invoke(UsersContract.smsContact, UserReference(userID: customerID))
            }
            let guest = try await context.invoke(GuestOrdersContract.contact, CustomerReference(customerID: customerID))
            // Orders keeps it as M-Pesa wants it (`2547…`); Africa's Talking takes E.164 (`+2547…`).
            let phone = guest.phone.flatMap(MpesaPhone.init).map { "+" + $0.msisdn }
            return SmsContact(userID: customerID, name: guest.name, phone: phone, smsOptIn: true)
        } catch let error as InvocationError where error.status == 404 || error.status == 422 {
            return nil
        }
    }
}
