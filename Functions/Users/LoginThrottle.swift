import Glibc
import SokoFunctions

/// Limits failed sign-ins per account and per client address, in the service's store so that
/// every replica counts the same failures. Over a limit, sign-in is refused with 429 and a
/// `Retry-After` until the oldest failure in the window ages out.
struct LoginThrottle: Sendable {
    var window = 15 * 60
    var perAccount = 5
    var perAddress = 20

    /// Throws 429 when either the account or the address is over its limit.
    func check(email: String, address: String, store: Store) async throws {
        let now = Int(time(nil))
        for (subject, limit) in [("email:" + email, perAccount), ("ip:" + address, perAddress)] {
            let rows = try await store.query(
                "SELECT COUNT(*) AS failures, MIN(at) AS oldest FROM login_failures WHERE subject = $1 AND at > $2",
                [.text(subject), .integer(Int64(now - window))])
            let failures = try rows.first?.int("failures") ?? 0
            if failures >= limit {
                let oldest = try rows.first?.int("oldest") ?? now
                let wait = max(1, oldest + window - now)
                throw FunctionError(
                    status: 429, code: "too-many-attempts", detail: "too many failed sign-ins; try again later",
                    headers: ["Retry-After": "\(wait)"])
            }
        }
    }

    func recordFailure(email: String, address: String, store: Store) async throws {
        let now = Int64(time(nil))
        try await store.transaction { tx in
            try tx.execute("DELETE FROM login_failures WHERE at <= $1", [.integer(now - Int64(window))])
            try tx.execute("INSERT INTO login_failures (subject, at) VALUES ($1, $2)", [.text("email:" + email), .integer(now)])
            try tx.execute("INSERT INTO login_failures (subject, at) VALUES ($1, $2)", [.text("ip:" + address), .integer(now)])
        }
    }

    /// A successful sign-in clears the account's failures (the address's stay counted).
    func recordSuccess(email: String, store: Store) async throws {
        try await store.execute("DELETE FROM login_failures WHERE subject = $1", [.text("email:" + email)])
    }
}
