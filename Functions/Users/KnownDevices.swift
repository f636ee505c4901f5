import SokoFunctions

/// Devices an account has signed in from: a random token handed out at a successful sign-in
/// (`device_token` in the answer of `POST /auth/login`, a cookie for the authorize form), stored
/// only as its hash. Sent back (`X-Device-Token`), it lets the right password through while the
/// account is under a guessing attack (``LoginThrottle``).
enum KnownDevices {
    /// Unused for this long, a device is a stranger again.
    static let lifetime = 90 * 24 * 3600
    static let header = "X-Device-Token"
    static let cookie = "soko_device"

    /// The stored hash of `token` when it is a live device token of `email` at `now`, else nil.
    static func recognise(_ token: String?, email: String, at now: WallTime, store: Store) async throws -> String? {
        guard let token, !token.isEmpty, !email.isEmpty else { return nil }
        let hash = RandomToken.hash(token)
        let row = try await store.query(
            "SELECT email FROM known_devices WHERE token_hash = $1 AND last_used_at > $2",
            [.text(hash), .integer(Int64(now.adding(seconds: -lifetime).unixSeconds))]
        ).first
        return try row?.string("email") == email ? hash : nil
    }

    /// After a successful sign-in: the presented token again when it was recognised (its use is
    /// noted at `time`), else a new one for this device.
    static func remember(
        _ presented: String?, recognised: String?, email: String, at time: WallTime, store: Store
    ) async throws -> String {
        let now = Int64(time.unixSeconds)
        if let presented, let recognised {
            try await store.execute(
                "UPDATE known_devices SET last_used_at = $1 WHERE token_hash = $2", [.integer(now), .text(recognised)])
            return presented
        }
        let token = RandomToken.make(bytes: 32)
        try await store.execute(
            "INSERT INTO known_devices (token_hash, email, created_at, last_used_at) VALUES ($1, $2, $3, $4)",
            [.text(RandomToken.hash(token)), .text(email), .integer(now), .integer(now)])
        return token
    }

    /// The device token a browser sends in its `Cookie` header.
    static func fromCookie(_ header: String?) -> String? {
        guard let header else { return nil }
        for pair in header.split(separator: ";") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0].trimmingPrefix(" ") == cookie { return String(parts[1]) }
        }
        return nil
    }

    /// The cookie that keeps the token in the browser, for the sign-in form only.
    static func setCookie(_ token: String) -> String {
        "\(cookie)=\(token); Path=/oauth/authorize; Max-Age=\(lifetime); HttpOnly; Secure; SameSite=Lax"
    }
}
