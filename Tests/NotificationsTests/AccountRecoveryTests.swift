import Foundation
import ShopTesting
import SokoFunctions
import SokoHost
import SokoTesting
import Testing

/// Password reset and email verification end to end in the whole shop: the request, the event,
/// the mail as Python's `email` package reads it from the `.eml` file, the link's token, and
/// what using it does — on SQLite and on PostgreSQL.
@Suite("Account recovery and verification")
struct AccountRecoveryTests {
    static let publicURL = "https://duka.test"

    static func start(_ configuration: HostConfiguration? = nil) async throws -> ShopHost {
        try await NotifyShop.start(
            environment: ["SOKO_PUBLIC_URL": publicURL], configuration: configuration ?? TestHost.defaultConfiguration())
    }

    /// The `.eml` files of sent mails of `kind` to `recipient`, oldest first (from the delivery log).
    static func mails(_ shop: ShopHost, kind: String, to recipient: String) async throws -> [String] {
        try await shop.store("notifications").query(
            """
            SELECT transport FROM notifications WHERE kind = $1 AND recipient = $2 AND status = 'sent'
            ORDER BY created_at, id
            """, [.text(kind), .text(recipient)]
        ).compactMap { try $0.string("transport") }
    }

    /// Waits (polling, with a deadline) for the `count`th mail of `kind` to `recipient`, and
    /// returns the link it carries, as the oracle parsed it.
    static func link(_ shop: ShopHost, kind: String, to recipient: String, count: Int = 1) async throws -> (
        url: String, token: String, mail: ParsedMail
    ) {
        var files: [String] = []
        _ = try await HostTransportTests.eventually {
            files = try await mails(shop, kind: kind, to: recipient)
            return files.count >= count
        }
        try #require(files.count >= count, "no \(kind) mail #\(count) to \(recipient)")
        let mail = try await MailOracle.parse(file: files[count - 1])
        let text = try #require(mail.part("text/plain")?.content)
        let line = try #require(text.split(whereSeparator: \.isNewline).first { $0.hasPrefix(publicURL) })
        let url = String(line).trimmingCharacters(in: .whitespaces)
        let token = try #require(url.split(separator: "token=").last.map(String.init))
        // The HTML part carries the same link (escaped, in an anchor).
        #expect(mail.part("text/html")?.content.contains("href=\"\(url)\"") == true)
        return (url, token, mail)
    }

    static func register(_ shop: ShopHost, _ email: String) async throws -> Tokens {
        let registered = try await shop.request(
            "POST", "/users/register", json: ["email": email, "password": ShopHost.password, "name": "Wanjiku"])
        #expect(registered.status == 201)
        return try await login(shop, email, ShopHost.password).json(Tokens.self)
    }

    static func login(_ shop: ShopHost, _ email: String, _ password: String) async throws -> TestResponse {
        try await shop.request("POST", "/auth/login", json: ["email": email, "password": password])
    }

    struct Tokens: Decodable {
        var accessToken: String
        var refreshToken: String
        enum CodingKeys: String, CodingKey {
            case accessToken = "access_token"
            case refreshToken = "refresh_token"
        }
    }

    struct Profile: Decodable {
        var emailVerified: Bool
        enum CodingKeys: String, CodingKey { case emailVerified = "email_verified" }
    }

    static func refresh(_ shop: ShopHost, _ token: String) async -> TestResponse {
        await shop.request(
            "POST", "/oauth/token", headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: Array("grant_type=refresh_token&refresh_token=\(token)".utf8))
    }

    @Test func aResetLinkSetsTheNewPasswordOnceAndSignsOutEverywhere() async throws {
        try await resetJourney(Self.start())
    }

    @Test func theResetJourneyWorksOnPostgreSQL() async throws {
        guard let configuration = ShopHost.postgresConfiguration() else {
            if ShopHost.inCI { Issue.record("SOKO_TEST_POSTGRES_URL is not set") }
            return
        }
        try await resetJourney(Self.start(configuration))
    }

    func resetJourney(_ shop: ShopHost) async throws {
        let email = "wanjiku@example.com"
        let session = try await Self.register(shop, email)
        let asked = try await shop.request("POST", "/auth/password/forgot", json: ["email": "  Wanjiku@Example.com "])
        #expect(asked.status == 202)
        #expect(asked.text == #"{"status":"accepted"}"#)

        let (url, token, mail) = try await Self.link(shop, kind: "password_reset", to: email)
        #expect(url.hasPrefix("\(Self.publicURL)/account/reset-password?token="))
        #expect(token.utf8.count == 43)  // 32 random bytes, base64url
        #expect(mail.subject == "Reset your Soko password")
        #expect(mail.defects.isEmpty)
        // Only the token's hash is stored, and no event carries it.
        let users = shop.store("users")
        let stored = try await users.query("SELECT token_hash FROM account_links WHERE purpose = 'password_reset'", [])
        #expect(try stored.first?.string("token_hash").map { $0 != token && !$0.isEmpty } == true)
        let outbox = try await users.query("SELECT payload FROM soko_outbox", [])
        #expect(try outbox.allSatisfy { try !($0.string("payload") ?? "").contains(token) })

        let weak = try await shop.request("POST", "/auth/password/reset", json: ["token": token, "new_password": "short"])
        #expect(weak.status == 422)
        let newPassword = "a brand new passphrase"
        let reset = try await shop.request("POST", "/auth/password/reset", json: ["token": token, "new_password": newPassword])
        #expect(reset.status == 204)

        // Single use; every earlier session is gone; only the new password signs in.
        let again = try await shop.request(
            "POST", "/auth/password/reset", json: ["token": token, "new_password": "another one here"])
        #expect(again.status == 400)
        #expect(again.text.contains("invalid-token"))
        #expect(await Self.refresh(shop, session.refreshToken).status == 400)
        #expect(try await Self.login(shop, email, ShopHost.password).status == 401)
        let signedIn = try await Self.login(shop, email, newPassword)
        #expect(signedIn.status == 200)
        // Following the mailed link proved the address.
        let me = await shop.request("GET", "/users/me", token: try signedIn.json(Tokens.self).accessToken)
        #expect(try me.json(Profile.self).emailVerified)
        #expect(await shop.shutdown())
    }

    @Test func anUnknownEmailGetsTheSameAnswerAndNoMail() async throws {
        let shop = try await Self.start()
        _ = try await Self.register(shop, "known@example.com")
        let known = try await shop.request("POST", "/auth/password/forgot", json: ["email": "known@example.com"])
        let unknown = try await shop.request("POST", "/auth/password/forgot", json: ["email": "nobody@example.com"])
        #expect(known.status == 202 && unknown.status == 202)
        #expect(known.text == unknown.text)
        let malformed = try await shop.request("POST", "/auth/password/forgot", json: ["email": "not an email"])
        #expect(malformed.status == 422)
        #expect(malformed.headers["Content-Type"] == "application/problem+json")

        _ = try await Self.link(shop, kind: "password_reset", to: "known@example.com")
        let events = try await shop.store("users").query(
            "SELECT COUNT(*) AS n FROM soko_outbox WHERE name = 'user.password_reset_requested'", [])
        #expect(try events.first?.int("n") == 1)
        #expect(try await Self.mails(shop, kind: "password_reset", to: "nobody@example.com").isEmpty)
        #expect(await shop.shutdown())
    }

    @Test func resetMailsAreCappedPerAddressWhateverTheAnswerSays() async throws {
        let shop = try await Self.start()
        _ = try await Self.register(shop, "flooded@example.com")
        for _ in 0..<5 {
            let asked = try await shop.request("POST", "/auth/password/forgot", json: ["email": "flooded@example.com"])
            #expect(asked.status == 202)
        }
        let events = try await shop.store("users").query(
            "SELECT COUNT(*) AS n FROM soko_outbox WHERE name = 'user.password_reset_requested'", [])
        #expect(try events.first?.int("n") == 3)
        #expect(await shop.shutdown())
    }

    @Test func anExpiredLinkIsRefused() async throws {
        let shop = try await Self.start()
        _ = try await Self.register(shop, "late@example.com")
        _ = try await shop.request("POST", "/auth/password/forgot", json: ["email": "late@example.com"])
        let (_, token, _) = try await Self.link(shop, kind: "password_reset", to: "late@example.com")
        // Thirty minutes later (the row's expiry moved into the past rather than waiting).
        try await shop.store("users").execute(
            "UPDATE account_links SET expires_at = $1 WHERE purpose = 'password_reset'",
            [SQLValue.integer(Int64(Date().timeIntervalSince1970) - 1)])
        let reset = try await shop.request(
            "POST", "/auth/password/reset", json: ["token": token, "new_password": "a brand new passphrase"])
        #expect(reset.status == 400)
        #expect(try await Self.login(shop, "late@example.com", ShopHost.password).status == 200)
        #expect(await shop.shutdown())
    }

    @Test func twoResetsRacingWithOneTokenLetExactlyOneThrough() async throws {
        let shop = try await Self.start()
        _ = try await Self.register(shop, "race@example.com")
        _ = try await shop.request("POST", "/auth/password/forgot", json: ["email": "race@example.com"])
        let (_, token, _) = try await Self.link(shop, kind: "password_reset", to: "race@example.com")
        // Five racers: finding the winner then takes at most four wrong passwords before it and four
        // after (a success clears the count), all within the sign-in throttle's five free failures.
        // With six, a sixth attempt right after five failures gets 429 when the last racer won.
        let passwords = (0..<5).map { "racing passphrase \($0)" }
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for password in passwords {
                group.addTask {
                    try await shop.request("POST", "/auth/password/reset", json: ["token": token, "new_password": password])
                        .status
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.filter { $0 == 204 }.count == 1)
        #expect(statuses.filter { $0 == 400 }.count == passwords.count - 1)
        var working = 0
        for password in passwords where try await Self.login(shop, "race@example.com", password).status == 200 {
            working += 1
        }
        #expect(working == 1)
        #expect(await shop.shutdown())
    }

    @Test func registrationMailsAVerificationLinkThatMarksTheAccount() async throws {
        try await verificationJourney(Self.start())
    }

    @Test func theVerificationJourneyWorksOnPostgreSQL() async throws {
        guard let configuration = ShopHost.postgresConfiguration() else {
            if ShopHost.inCI { Issue.record("SOKO_TEST_POSTGRES_URL is not set") }
            return
        }
        try await verificationJourney(Self.start(configuration))
    }

    func verificationJourney(_ shop: ShopHost) async throws {
        let email = "akinyi@example.com"
        let session = try await Self.register(shop, email)
        #expect(try await shop.request("GET", "/users/me", token: session.accessToken).json(Profile.self).emailVerified == false)
        let (url, token, mail) = try await Self.link(shop, kind: "email_verification", to: email)
        #expect(url.hasPrefix("\(Self.publicURL)/account/verify-email?token="))
        #expect(mail.subject == "Confirm your email address for Soko")

        // A resend mails a second link (the registration's counts towards the limit of three).
        let resent = await shop.request("POST", "/users/me/verify-email", token: session.accessToken)
        #expect(resent.status == 202)
        let (_, second, _) = try await Self.link(shop, kind: "email_verification", to: email, count: 2)
        #expect(second != token)
        #expect(await shop.request("POST", "/users/me/verify-email", token: session.accessToken).status == 202)
        let capped = await shop.request("POST", "/users/me/verify-email", token: session.accessToken)
        #expect(capped.status == 429)
        #expect(capped.text.contains("too-many-requests"))
        #expect(Int(capped.headers["Retry-After"] ?? "") ?? 0 > 3000)

        let wrong = try await shop.request("POST", "/users/verify-email", json: ["token": "made-up"])
        #expect(wrong.status == 400)
        #expect(try await shop.request("POST", "/users/verify-email", json: ["token": token]).status == 204)
        #expect(try await shop.request("GET", "/users/me", token: session.accessToken).json(Profile.self).emailVerified)
        // Verified: the other links are spent, and a resend is refused.
        #expect(try await shop.request("POST", "/users/verify-email", json: ["token": second]).status == 400)
        let already = await shop.request("POST", "/users/me/verify-email", token: session.accessToken)
        #expect(already.status == 409)
        #expect(await shop.shutdown())
    }
}
