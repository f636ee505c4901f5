import Contracts
import Crypto
import SokoFunctions

/// Who a guest order belongs to: `guest:` and the first 128 bits of the SHA-256 of the normalised
/// email, in hex. Every guest order with one address therefore has one `customer_id`, so what is
/// kept per customer applies per guest email unchanged — the `Idempotency-Key` scope (the unique
/// `(customer_id, idempotency_key)`), the cap on unpaid orders and a coupon's per-customer limit —
/// and claiming the address's orders is one update (``ClaimGuestOrders``). The id never leaves the
/// shop's own services and staff; it is not a secret and authorises nothing (the access token does).
enum GuestIdentity {
    static func customerID(email: String) -> String {
        "guest:" + Hex.encode(SHA256.hash(data: Array(email.utf8)).prefix(16))
    }
}

/// What a guest gives instead of an account: a normalised email and, optionally, a Kenyan mobile
/// number (normalised as M-Pesa wants it, `2547…`).
struct GuestDetails: Sendable, Equatable {
    var email: String
    var phone: String?

    struct Body: Decodable {
        var email: String?
        var phone: String?
    }

    /// The `email` and `phone` of a guest order's body; 422 naming the field otherwise.
    static func decode(_ body: [UInt8]) throws -> GuestDetails {
        let parsed: Body
        do {
            parsed = try JSONCoding.decode(Body.self, from: body)
        } catch let error as DecodingError {
            throw BodyProblem(error)
        }
        var errors: [FieldError] = []
        let email = parsed.email.flatMap(EmailAddress.normalised)
        if email == nil { errors.append(FieldError(field: "email", message: "must be an email address")) }
        var phone: String?
        if let text = parsed.phone, !text.trimmingWhitespace().isEmpty {
            phone = MpesaPhone(text)?.msisdn
            if phone == nil {
                errors.append(
                    FieldError(field: "phone", message: "must be a Kenyan mobile number such as 0712345678 or +254712345678"))
            }
        }
        guard errors.isEmpty, let email else { throw FunctionError.validation(errors) }
        return GuestDetails(email: email, phone: phone)
    }

    var customerID: String { GuestIdentity.customerID(email: email) }
}
