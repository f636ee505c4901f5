import Foundation
import ShopTesting
import SokoFunctions
import SokoTesting
import Testing

/// The pages the Users bundle's mails link to, in the whole shop with mail written to files: the
/// link is read from the mail the notifications service really sent, then used through the pages.
@Suite("Storefront account recovery pages")
struct AccountRecoveryPagesTests {
    static let publicURL = "https://duka.test"

    static func start() async throws -> ShopHost {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("soko-mail-\(UUID().uuidString)").path
        return try await ShopHost.start(environment: ["SOKO_MAIL_DIR": folder, "SOKO_PUBLIC_URL": publicURL])
    }

    /// The token of the `count`th sent mail of `kind` to `recipient`, read from its `.eml` file
    /// (polling the delivery log with a deadline: the mail goes out after the request answers).
    static func token(_ shop: ShopHost, kind: String, to recipient: String, path: String, count: Int = 1) async throws
        -> String
    {
        let deadline = ContinuousClock.now + .seconds(20)
        var files: [String] = []
        while ContinuousClock.now < deadline {
            files = try await shop.store("notifications").query(
                "SELECT transport FROM notifications WHERE kind = $1 AND recipient = $2 AND status = 'sent' ORDER BY created_at, id",
                [.text(kind), .text(recipient)]
            ).compactMap { try $0.string("transport") }
            if files.count >= count { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        try #require(files.count >= count, "no \(kind) mail #\(count) to \(recipient)")
        let mail = unfoldQuotedPrintable(try String(contentsOfFile: files[count - 1], encoding: .utf8))
        let prefix = publicURL + path + "?token="
        let start = try #require(mail.range(of: prefix), "the mail links to \(prefix)")
        return String(mail[start.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
    }

    /// The mail's text with quoted-printable soft line breaks joined and `=XX` escapes decoded
    /// (enough to read an ASCII link; the notifications tests check the encoding with Python's parser).
    static func unfoldQuotedPrintable(_ text: String) -> String {
        let joined = text.replacing("=\r\n", with: "").replacing("=\n", with: "")
        var out: [UInt8] = []
        var bytes = Array(joined.utf8)[...]
        while let byte = bytes.popFirst() {
            if byte == UInt8(ascii: "="), bytes.count >= 2,
                let value = UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16)
            {
                out.append(value)
                bytes = bytes.dropFirst(2)
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    @Test("forgot password: the same answer for any email, the mailed link sets a new password once, sign-in works")
    func resetJourney() async throws {
        let shop = try await Self.start()
        defer { Task { await shop.shutdown() } }
        _ = try await shop.customer("amina@example.com")
        let browser = PageBrowser(shop)
        let signIn = await browser.get("/signin")
        #expect(signIn.text.contains("<a href=\"/account/forgot-password\">Forgot your password?</a>"))
        let form = await browser.get("/account/forgot-password")
        #expect(form.status == 200 && form.text.contains("<label for=\"email\">Email</label>"))
        let known = await browser.post("/account/forgot-password", [("email", "amina@example.com")])
        await browser.get("/account/forgot-password")
        let unknown = await browser.post("/account/forgot-password", [("email", "nobody@example.com")])
        #expect(known.status == 200 && unknown.status == 200)
        #expect(known.text.contains("If an account uses that email"))
        #expect(Self.main(known.text) == Self.main(unknown.text), "the page never tells whether the email has an account")
        #expect(await browser.post("/account/forgot-password", [("email", "amina@example.com")], csrf: false).status == 403)

        let token = try await Self.token(shop, kind: "password_reset", to: "amina@example.com", path: "/account/reset-password")
        let page = await browser.get("/account/reset-password?token=\(token)")
        #expect(page.status == 200)
        #expect(
            page.text.contains("name=\"token\" value=\"\(token)\"")
                && page.text.contains("<label for=\"password\">Password</label>"))
        let weak = await browser.post("/account/reset-password", [("token", token), ("password", "short")])
        #expect(weak.status == 200 && weak.text.contains("role=\"alert\""), "a refused password shows the form again")
        await browser.get("/account/reset-password?token=\(token)")
        let done = await browser.post("/account/reset-password", [("token", token), ("password", "a brand new passphrase")])
        #expect(done.status == 200 && done.text.contains("Password changed") && done.text.contains("href=\"/signin\""))
        await browser.get("/account/reset-password?token=\(token)")
        let again = await browser.post("/account/reset-password", [("token", token), ("password", "another new passphrase")])
        #expect(again.status == 400 && again.text.contains("expired or was used already"))

        await browser.get("/signin")
        let old = await browser.post("/signin", [("email", "amina@example.com"), ("password", ShopHost.password), ("next", "/")])
        #expect(old.status == 200 && old.text.contains("The email or the password is wrong."))
        let signedIn = await browser.post(
            "/signin", [("email", "amina@example.com"), ("password", "a brand new passphrase"), ("next", "/account/orders")])
        #expect(signedIn.status == 303 && signedIn.headers["Location"] == "/account/orders")
        #expect(browser.cookies["soko_at"] != nil)
    }

    @Test("a reset link without a token, or a made-up one, says the link no longer works")
    func deadResetLinks() async throws {
        let shop = try await Self.start()
        defer { Task { await shop.shutdown() } }
        let browser = PageBrowser(shop)
        let bare = await browser.get("/account/reset-password")
        #expect(bare.status == 400 && bare.text.contains("This link no longer works"))
        await browser.get("/account/reset-password?token=made-up")
        let madeUp = await browser.post(
            "/account/reset-password", [("token", "made-up"), ("password", "a brand new passphrase")])
        #expect(madeUp.status == 400 && madeUp.text.contains("href=\"/account/forgot-password\""))
    }

    @Test("the verification link's GET changes nothing; its button verifies the email once")
    func verifyEmail() async throws {
        let shop = try await Self.start()
        defer { Task { await shop.shutdown() } }
        let access = try await shop.customer("wanjiku@example.com")
        let token = try await Self.token(
            shop, kind: "email_verification", to: "wanjiku@example.com", path: "/account/verify-email")
        let browser = PageBrowser(shop)
        let page = await browser.get("/account/verify-email?token=\(token)")
        #expect(page.status == 200 && page.text.contains("<button type=\"submit\">Verify email</button>"))
        #expect(try await Self.verified(shop, access) == false, "a GET does not verify")
        let done = await browser.post("/account/verify-email", [("token", token)])
        #expect(done.status == 200 && done.text.contains("Email verified"))
        #expect(try await Self.verified(shop, access) == true)
        await browser.get("/account/verify-email?token=\(token)")
        let again = await browser.post("/account/verify-email", [("token", token)])
        #expect(again.status == 400 && again.text.contains("This link no longer works"))
        #expect(await browser.post("/account/verify-email", [("token", token)], csrf: false).status == 403)
    }

    struct Profile: Decodable {
        var emailVerified: Bool
        enum CodingKeys: String, CodingKey { case emailVerified = "email_verified" }
    }

    static func verified(_ shop: ShopHost, _ token: String) async throws -> Bool {
        try await shop.request("GET", "/users/me", token: token).json(Profile.self).emailVerified
    }

    /// The page's `<main>` (the header and the CSRF token differ between requests).
    static func main(_ page: String) -> String {
        guard let start = page.range(of: "<main"), let end = page.range(of: "</main>") else { return page }
        return String(page[start.lowerBound..<end.upperBound]).replacing(#/name="csrf" value="[^"]*"/#, with: "")
    }
}
