import SokoFunctions
import SokoSecurity
import Synchronization

struct LoginInput: Decodable, Sendable {
    var email: String
    var password: String
}

/// `POST /auth/login` → an access token and a refresh token for first-party clients, and a
/// device token (`device_token`) to send back in `X-Device-Token` at later sign-ins, which lets
/// the owner in while someone guesses the account's password (``LoginThrottle``).
/// An unknown email and a wrong password get the same answer, after the same work.
struct Login: DependentFunction {
    let passwords: PasswordHasher
    let tokens: TokenIssuer
    let throttle: LoginThrottle

    /// A real Argon2id hash of a random password, made once: verifying against it costs what a
    /// real check costs, so response time does not tell whether an account exists.
    static let decoy = Mutex<String?>(nil)

    static func decoyHash(_ passwords: PasswordHasher) async throws -> String {
        if let hash = decoy.withLock({ $0 }) { return hash }
        let hash = try await passwords.hash(RandomToken.make(bytes: 16))
        decoy.withLock { $0 = hash }
        return hash
    }

    func run(_ input: LoginInput, context: FunctionContext) async throws -> TokenIssuer.Pair {
        let email = AccountRules.normalise(email: input.email) ?? ""
        let address = context.request.clientAddress
        let presented = context.request.headers[KnownDevices.header]
        let device = try await KnownDevices.recognise(presented, email: email, at: context.now, store: context.store)
        let attempt = try await throttle.begin(
            email: email, address: address, device: device, at: context.now, store: context.store)
        let user = email.isEmpty ? nil : try await User.find(email: email, in: context.store)
        let stored: String
        if let user { stored = user.passwordHash } else { stored = try await Self.decoyHash(passwords) }
        let matches = try await passwords.verify(input.password, against: stored)
        guard let user, matches else {
            throw FunctionError(
                status: 401, code: "invalid-credentials", detail: "the email or the password is wrong",
                headers: ["WWW-Authenticate": #"Bearer realm="soko""#])
        }
        try await throttle.succeeded(attempt, store: context.store)
        var pair = try await tokens.issue(for: user, clientID: "first-party", scope: nil, at: context.now, store: context.store)
        pair.deviceToken = try await KnownDevices.remember(
            presented, recognised: device, email: email, at: context.now, store: context.store)
        if let cartToken = context.request.headers["X-Cart-Token"], !cartToken.isEmpty {
            await Self.mergeGuestCart(cartToken, into: user.id, context: context)
        }
        return pair
    }

    /// A shopper who filled a cart as a guest signs in with its `X-Cart-Token`: the guest cart
    /// joins theirs now. Best effort — if the cart service cannot be reached, the cart merges on the
    /// first cart call that presents both tokens; sign-in never fails for it.
    static func mergeGuestCart(_ cartToken: String, into userID: String, context: FunctionContext) async {
        struct Merge: Encodable, Sendable {
            var customerID: String
            var cartToken: String
            enum CodingKeys: String, CodingKey {
                case customerID = "customer_id"
                case cartToken = "cart_token"
            }
        }
        do {
            _ = try await context.invoke(
                "cart", "mergeCart", Merge(customerID: userID, cartToken: cartToken), as: NoInput.self, idempotent: true)
        } catch {
            context.logger.warning("guest cart not merged at sign-in", metadata: ["error": "\(error)"])
        }
    }
}
