import SokoFunctions

/// `PATCH /users/me`: any of `name`, `phone` (E.164), `shipping_address` (an object) and
/// `sms_notifications` (false: no order texts to `phone`; emails still go out).
struct UpdateMeInput: Decodable, Sendable {
    var name: String?
    var phone: String?
    var shippingAddress: JSONValue?
    var smsNotifications: Bool?

    enum CodingKeys: String, CodingKey {
        case name, phone
        case shippingAddress = "shipping_address"
        case smsNotifications = "sms_notifications"
    }
}

enum UpdateMe: Function {
    static func run(_ input: UpdateMeInput, context: FunctionContext) async throws -> UserProfile {
        guard let subject = context.identity?.subject, let user = try await User.find(id: subject, in: context.store) else {
            throw FunctionError.notFound("no such user", code: "user-not-found")
        }
        var errors: [FieldError] = []
        let name = input.name.map { $0.trimmingWhitespace() }
        if let name, name.isEmpty || name.count > 200 {
            errors.append(FieldError(field: "name", message: "must be 1 to 200 characters"))
        }
        if let phone = input.phone, !Self.isE164(phone) {
            errors.append(FieldError(field: "phone", message: "must be in E.164 form, like +254712345678"))
        }
        var address: String?
        if let value = input.shippingAddress {
            guard case .object = value else {
                throw FunctionError.validation([FieldError(field: "shipping_address", message: "must be an object")])
            }
            let bytes = try JSONCoding.encode(value)
            if bytes.count > 2048 { errors.append(FieldError(field: "shipping_address", message: "must be under 2 KiB")) }
            address = String(decoding: bytes, as: UTF8.self)
        }
        guard errors.isEmpty else { throw FunctionError.validation(errors) }
        try await context.store.execute(
            """
            UPDATE users SET name = COALESCE($1, name), phone = COALESCE($2, phone),
                shipping_address = COALESCE($3, shipping_address), sms_opt_out = COALESCE($6, sms_opt_out), updated_at = $4
            WHERE id = $5
            """,
            [
                SQLValue(name), SQLValue(input.phone), SQLValue(address), .text(context.now.timestamp), .text(user.id),
                input.smsNotifications.map { SQLValue($0 ? 0 : 1) } ?? .null,
            ])
        guard let updated = try await User.find(id: user.id, in: context.store) else {
            throw FunctionError.notFound("no such user", code: "user-not-found")
        }
        return updated.profile
    }

    /// `+`, a non-zero digit, then 6 to 14 digits (ITU-T E.164: at most 15 digits).
    static func isE164(_ text: String) -> Bool {
        let digits = text.utf8.dropFirst()
        return text.utf8.first == UInt8(ascii: "+") && (7...15).contains(digits.count)
            && digits.first != UInt8(ascii: "0") && digits.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }
}
