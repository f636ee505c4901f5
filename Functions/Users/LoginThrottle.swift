import Glibc
import SokoFunctions

/// Limits sign-in attempts per account and per client address, in the service's store so that
/// every replica counts the same attempts.
///
/// An attempt is recorded *before* its password is checked, in the same transaction that counts
/// the recent ones (serialised per subject), so guesses sent all at once count like guesses sent
/// one by one. A successful sign-in removes the account's record and its own address row.
struct LoginThrottle: Sendable {
    var window = 15 * 60
    var perAccount = 5
    var perAddress = 20

    /// Records an attempt, or throws 429 (with `Retry-After`) when the account or the address
    /// already used up its attempts. Returns the attempt's id, for ``succeeded(_:email:store:)``.
    func begin(email: String, address: String, store: Store) async throws -> String {
        let attempt = RandomToken.make(bytes: 9)
        let now = Int64(time(nil))
        let window = Int64(self.window)
        let limits = [("email:" + email, perAccount), ("ip:" + Self.addressGroup(address), perAddress)]
        let wait = try await store.transaction { tx -> Int? in
            try tx.execute("DELETE FROM login_failures WHERE at <= $1", [.integer(now - window)])
            var wait: Int?
            for (subject, limit) in limits {
                if tx.dialect == .postgres {
                    try tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [.text(subject)])
                }
                let rows = try tx.query(
                    "SELECT COUNT(*) AS attempts, MIN(at) AS oldest FROM login_failures WHERE subject = $1 AND at > $2",
                    [.text(subject), .integer(now - window)])
                if try (rows.first?.int("attempts") ?? 0) >= limit {
                    let oldest = try rows.first?.int("oldest") ?? Int(now)
                    wait = max(wait ?? 1, oldest + Int(window) - Int(now))
                }
            }
            guard wait == nil else { return wait }
            for (subject, _) in limits {
                try tx.execute(
                    "INSERT INTO login_failures (subject, at, attempt) VALUES ($1, $2, $3)",
                    [.text(subject), .integer(now), .text(attempt)])
            }
            return nil
        }
        if let wait {
            throw FunctionError(
                status: 429, code: "too-many-attempts", detail: "too many sign-in attempts; try again later",
                headers: ["Retry-After": "\(max(1, wait))"])
        }
        return attempt
    }

    /// The password was right: the account starts afresh, and this attempt does not count
    /// against the address.
    func succeeded(_ attempt: String, email: String, store: Store) async throws {
        try await store.transaction { tx in
            try tx.execute("DELETE FROM login_failures WHERE subject = $1", [.text("email:" + email)])
            try tx.execute("DELETE FROM login_failures WHERE attempt = $1", [.text(attempt)])
        }
    }

    /// IPv6 clients are counted per /64 (one customer's allocation), IPv4 per address.
    static func addressGroup(_ address: String) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        guard address.contains(":"), inet_pton(AF_INET6, address, &bytes) == 1 else { return address }
        return bytes[0..<8].map { String($0, radix: 16) }.joined(separator: ".") + "/64"
    }
}
