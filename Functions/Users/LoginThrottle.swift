import Glibc
import SokoFunctions

/// Limits password guessing without locking the real owner out, in the service's store so that
/// every replica counts the same attempts.
///
/// - Per account: the first ``freeFailures`` wrong passwords cost nothing; after them each
///   further attempt must wait ``baseDelay`` (1 s) after the last one, doubled per failure
///   (1 s, 2 s, 4 s, …) up to ``maxDelay`` (15 minutes). Failures are remembered for a day, so a
///   patient attacker gets about a hundred guesses a day, while the owner, once the attack
///   stops, waits at most the current delay — never a fixed 15-minute lockout.
/// - Per client address (IPv6 per /64): ``perAddress`` attempts per ``window``.
/// - A known device (``KnownDevices``: a token handed out at a successful sign-in and sent
///   back in `X-Device-Token` or the sign-in form's cookie) skips both: the owner signs in
///   during an attack on their account. It has its own budget of ``perDevice`` wrong passwords,
///   after which it is forgotten, so a stolen device token buys few guesses.
///
/// An attempt is recorded *before* its password is checked, in the same transaction that counts
/// the recent ones (serialised per subject), so guesses sent all at once count like guesses sent
/// one by one. A successful sign-in removes the attempt's own rows and, from an unknown device,
/// the account's failures.
///
/// Times are in milliseconds (`login_failures.at`), so a one-second delay is one second.
struct LoginThrottle: Sendable {
    var window = 15 * 60 * 1000
    var perAddress = 20
    var freeFailures = 5
    var baseDelay = 1000
    var maxDelay = 15 * 60 * 1000
    /// How long an account's failures count towards its delay.
    var memory = 24 * 3600 * 1000
    var perDevice = 5

    /// A recorded attempt, for ``succeeded(_:store:)``.
    struct Attempt: Sendable {
        var id: String
        var email: String
        /// The known device it came from (the device token's hash), if any.
        var device: String?
    }

    /// Records an attempt, or throws 429 (with `Retry-After`) while the account's delay runs or
    /// the address used up its attempts. `device` is the hash of a device token already known
    /// to belong to `email` (``KnownDevices/recognise(_:email:at:store:)``). `time` is when it is made.
    func begin(email: String, address: String, device: String? = nil, at time: WallTime, store: Store) async throws
        -> Attempt
    {
        let id = RandomToken.make(bytes: 9)
        let now = time.unixMilliseconds
        let (window, memory) = (Int64(self.window), Int64(self.memory))
        let outcome = try await store.transaction { tx -> (wait: Int?, device: String?) in
            try tx.execute("DELETE FROM login_failures WHERE at <= $1", [.integer(now - max(window, memory))])
            if let device {
                let subject = "device:" + device
                try Self.lock(subject, tx)
                let failures =
                    try tx.query(
                        "SELECT COUNT(*) AS n FROM login_failures WHERE subject = $1", [.text(subject)]
                    ).first?.int("n") ?? 0
                if failures < perDevice {
                    try Self.record(subject, now: now, attempt: id, tx)
                    return (nil, device)
                }
                // Too many wrong passwords from it: no longer trusted, the ordinary limits apply.
                try tx.execute("DELETE FROM known_devices WHERE token_hash = $1", [.text(device)])
                try tx.execute("DELETE FROM login_failures WHERE subject = $1", [.text(subject)])
            }
            let account = "email:" + email
            let group = "ip:" + Self.addressGroup(address)
            try Self.lock(account, tx)
            try Self.lock(group, tx)
            var wait: Int?
            let byAddress = try tx.query(
                "SELECT COUNT(*) AS n, MIN(at) AS oldest FROM login_failures WHERE subject = $1 AND at > $2",
                [.text(group), .integer(now - window)]
            ).first
            if try (byAddress?.int("n") ?? 0) >= perAddress {
                wait = try (byAddress?.int("oldest") ?? Int(now)) + Int(window) - Int(now)
            }
            let byAccount = try tx.query(
                "SELECT COUNT(*) AS n, MAX(at) AS latest FROM login_failures WHERE subject = $1", [.text(account)]
            ).first
            let failures = try byAccount?.int("n") ?? 0
            if failures >= freeFailures {
                let delay = self.delay(afterFailures: failures)
                let until = try (byAccount?.int("latest") ?? Int(now)) + delay
                if until > Int(now) { wait = max(wait ?? 0, until - Int(now)) }
            }
            guard wait == nil else { return (wait, nil) }
            try Self.record(account, now: now, attempt: id, tx)
            try Self.record(group, now: now, attempt: id, tx)
            return (nil, nil)
        }
        if let wait = outcome.wait {
            throw FunctionError(
                status: 429, code: "too-many-attempts", detail: "too many sign-in attempts; try again later",
                headers: ["Retry-After": "\(max(1, (wait + 999) / 1000))"])
        }
        return Attempt(id: id, email: email, device: outcome.device)
    }

    /// How long the next attempt waits after the last of `failures` failures (milliseconds).
    func delay(afterFailures failures: Int) -> Int {
        guard failures >= freeFailures else { return 0 }
        let doublings = min(failures - freeFailures, 30)
        return min(maxDelay, baseDelay << doublings)
    }

    /// The password was right: the attempt does not count. From an unknown device the account
    /// also starts afresh; from a known one the account's failures stay (they are an attacker's,
    /// and clearing them at each of the owner's sign-ins would hand the attacker fresh free guesses).
    func succeeded(_ attempt: Attempt, store: Store) async throws {
        try await store.transaction { tx in
            if let device = attempt.device {
                try tx.execute("DELETE FROM login_failures WHERE subject = $1", [.text("device:" + device)])
            } else {
                try tx.execute("DELETE FROM login_failures WHERE subject = $1", [.text("email:" + attempt.email)])
            }
            try tx.execute("DELETE FROM login_failures WHERE attempt = $1", [.text(attempt.id)])
        }
    }

    private static func lock(_ subject: String, _ tx: Transaction) throws {
        if tx.dialect == .postgres { try tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [.text(subject)]) }
    }

    private static func record(_ subject: String, now: Int64, attempt: String, _ tx: Transaction) throws {
        try tx.execute(
            "INSERT INTO login_failures (subject, at, attempt) VALUES ($1, $2, $3)",
            [.text(subject), .integer(now), .text(attempt)])
    }

    /// IPv6 clients are counted per /64 (one customer's allocation), IPv4 per address.
    static func addressGroup(_ address: String) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        guard address.contains(":"), inet_pton(AF_INET6, address, &bytes) == 1 else { return address }
        return bytes[0..<8].map { String($0, radix: 16) }.joined(separator: ".") + "/64"
    }
}
