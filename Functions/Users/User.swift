import Contracts
import SokoFunctions

/// An account as the service keeps it (the password hash never leaves this bundle).
struct User: Sendable {
    var id: String
    var email: String
    var name: String
    var passwordHash: String
    var roles: [String]
    var phone: String?
    var shippingAddress: JSONValue?
    var createdAt: String
    /// When the owner followed a verification (or reset) link; nil while unverified.
    var emailVerifiedAt: String?
    /// The user asked for no SMS notifications (email still goes out).
    var smsOptOut: Bool

    init(row: Row) throws {
        id = try row.string("id") ?? ""
        email = try row.string("email") ?? ""
        name = try row.string("name") ?? ""
        passwordHash = try row.string("password_hash") ?? ""
        roles = (try row.string("roles") ?? "").split(separator: ",").map(String.init)
        phone = try row.string("phone")
        shippingAddress = try row.string("shipping_address").flatMap {
            try? JSONCoding.decode(JSONValue.self, from: Array($0.utf8))
        }
        createdAt = try row.string("created_at") ?? ""
        emailVerifiedAt = try row.string("email_verified_at")
        smsOptOut = try row.bool("sms_opt_out") ?? false
    }

    static let columns =
        "id, email, name, password_hash, roles, phone, shipping_address, created_at, email_verified_at, sms_opt_out"

    static func find(email: String, in store: Store) async throws -> User? {
        try await store.query("SELECT \(columns) FROM users WHERE email = $1", [.text(email)]).first.map(User.init)
    }

    static func find(id: String, in store: Store) async throws -> User? {
        try await store.query("SELECT \(columns) FROM users WHERE id = $1", [.text(id)]).first.map(User.init)
    }

    /// What clients see: no password fields.
    var profile: UserProfile {
        UserProfile(
            id: id, email: email, name: name, roles: roles, phone: phone, shippingAddress: shippingAddress,
            createdAt: createdAt, emailVerified: emailVerifiedAt != nil,
            smsNotifications: !smsOptOut)
    }
}

struct UserProfile: Codable, Sendable, Equatable {
    var id: String
    var email: String
    var name: String
    var roles: [String]
    var phone: String?
    var shippingAddress: JSONValue?
    var createdAt: String
    /// Whether the owner confirmed the address by a mailed link (orders are allowed before).
    var emailVerified: Bool
    /// Whether order updates also go out by SMS to `phone` (`PATCH /users/me` turns them off).
    var smsNotifications: Bool

    enum CodingKeys: String, CodingKey {
        case id, email, name, roles, phone
        case shippingAddress = "shipping_address"
        case createdAt = "created_at"
        case emailVerified = "email_verified"
        case smsNotifications = "sms_notifications"
    }
}

/// Email normalisation and the password policy.
enum AccountRules {
    /// Trimmed and lower-cased; nil when it is not a plausible address.
    static func normalise(email: String) -> String? { EmailAddress.normalised(email) }

    static func passwordProblems(_ password: String, email: String) -> [FieldError] {
        var errors: [FieldError] = []
        if password.count < 10 { errors.append(FieldError(field: "password", message: "must be at least 10 characters")) }
        if password.utf8.count > 1024 { errors.append(FieldError(field: "password", message: "must be at most 1024 bytes")) }
        if password.lowercased() == email.lowercased() {
            errors.append(FieldError(field: "password", message: "must not be the email address"))
        }
        return errors
    }
}
