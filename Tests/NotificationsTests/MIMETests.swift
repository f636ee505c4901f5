import Foundation
import SokoTesting
import Testing

@testable import Notifications

/// The MIME builder, checked by parsing its output with Python's `email` package.
@Suite("MIME messages")
struct MIMETests {
    static let shop = Mailbox(parsing: "Soko <no-reply@soko.example>")!

    static func message(
        to: Mailbox = Mailbox(name: "Ann Wanjiru", address: "ann@example.com")!, subject: String = "Your order",
        text: String = "Hello Ann,\n\nThanks.", html: String = "<p>Hello Ann,</p>"
    ) -> MailMessage {
        MailMessage(
            from: shop, to: to, subject: subject, text: text, html: html, date: MailDate.format(seconds: 1_767_225_600),
            messageID: MailMessage.messageID(key: "welcome.evt-1", domain: shop.domain))
    }

    static func normalised(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    }

    @Test func aPlainMessageIsMultipartAlternativeTextThenHTMLInUTF8() async throws {
        let parsed = try await MailOracle.parse(Self.message().rendered)
        #expect(parsed.defects.isEmpty)
        #expect(parsed.crlfOnly)
        #expect(parsed.longestLine <= 78)
        #expect(parsed.from == [["Soko", "no-reply@soko.example"]])
        #expect(parsed.to == [["Ann Wanjiru", "ann@example.com"]])
        #expect(parsed.subject == "Your order")
        #expect(parsed.date == "2026-01-01T00:00:00+00:00")
        #expect(parsed.messageID == "<welcome.evt-1@soko.example>")
        #expect(parsed.mimeVersion == "1.0")
        #expect(parsed.contentType == "multipart/alternative")
        #expect(parsed.parts.map(\.contentType) == ["text/plain", "text/html"])
        #expect(parsed.parts.allSatisfy { $0.charset == "utf-8" && $0.transferEncoding == "quoted-printable" })
        #expect(Self.normalised(parsed.part("text/plain")?.content ?? "") == "Hello Ann,\n\nThanks.")
        #expect(parsed.part("text/html")?.content == "<p>Hello Ann,</p>")
    }

    @Test(arguments: [
        "Karibu — your order is confirmed ✓",
        "Wanjikũ, asante sana! 🎉🎉🎉 " + String(repeating: "Ñandú ", count: 20) + "fin",
        "Literal =?UTF-8?B?SGk=?= in an ASCII subject",
        String(repeating: "x", count: 120),
        "A long plain ASCII subject that certainly needs folding because it runs well past seventy-eight columns",
        "",
    ])
    func subjectsComeBackExactly(subject: String) async throws {
        let parsed = try await MailOracle.parse(Self.message(subject: subject).rendered)
        #expect(parsed.defects.isEmpty)
        #expect(parsed.subject == subject)
        #expect(parsed.longestLine <= 78)
    }

    @Test(arguments: [
        ("Wanjikũ Ñoño 😀", "Wanjikũ Ñoño 😀"),
        (#"O'Brien, "Jr" \ Sons"#, #"O'Brien, "Jr" \ Sons"#),
        ("Ann", "Ann"),
        ("Dr. A. B. (Consultant)", "Dr. A. B. (Consultant)"),
        ("  spaced\tout  ", "spaced out"),
    ])
    func displayNamesComeBackExactly(name: String, expected: String) async throws {
        let to = try #require(Mailbox(name: name, address: "ann@example.com"))
        let parsed = try await MailOracle.parse(Self.message(to: to).rendered)
        #expect(parsed.defects.isEmpty)
        #expect(parsed.to == [[expected, "ann@example.com"]])
    }

    @Test func headerInjectionIsImpossible() async throws {
        let to = try #require(Mailbox(name: "Eve\r\nBcc: victim@example.com", address: "eve@example.com"))
        let message = Self.message(to: to, subject: "Hi\r\nBcc: other@example.com\nX-Evil: 1\r\n\r\nbody")
        let parsed = try await MailOracle.parse(message.rendered)
        #expect(!parsed.headerNames.contains { ["bcc", "x-evil"].contains($0.lowercased()) })
        #expect(parsed.to == [["Eve Bcc: victim@example.com", "eve@example.com"]])
        #expect(parsed.subject == "Hi Bcc: other@example.com X-Evil: 1 body")
        #expect(parsed.parts.count == 2)
        // Nor can an address carry anything but an address.
        #expect(Mailbox(name: nil, address: "a@example.com\r\nBcc: b@example.com") == nil)
        #expect(Mailbox(name: nil, address: "a@example.com>, <b@example.com") == nil)
    }

    @Test func bodiesSurviveQuotedPrintableWhateverTheyHold() async throws {
        let text = [
            String(repeating: "x", count: 200),
            "trailing spaces   ", "trailing tab\t", ".a line starting with a dot", ".", "From the start",
            "equals = signs == and =3D and =_soko_ boundary-like text", "--=_soko_0123 looks like a boundary",
            "ünïcödé and emoji 🎉 " + String(repeating: "é", count: 60), "\u{0}nul and \u{7}bell", "",
            "mixed\r\nbreaks\rhere",
        ].joined(separator: "\n")
        let html = "<p>" + String(repeating: "<b>ü</b> ", count: 40) + "</p>"
        let parsed = try await MailOracle.parse(Self.message(text: text, html: html).rendered)
        #expect(parsed.defects.isEmpty)
        #expect(parsed.crlfOnly)
        #expect(parsed.longestLine <= 78)
        #expect(Self.normalised(parsed.part("text/plain")?.content ?? "") == Self.normalised(text))
        #expect(parsed.part("text/html")?.content == html)
    }

    @Test func quotedPrintableLinesStayWithinSeventySixCharacters() {
        let encoded = QuotedPrintable.encode(String(repeating: "é", count: 100) + " " + String(repeating: "=", count: 90))
        for line in encoded.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 76) }
        #expect(QuotedPrintable.encode("a \nb") == "a=20\r\nb")
        #expect(QuotedPrintable.encode(".x") == "=2Ex")
    }

    @Test func theMessageIDIsStablePerKeyAndTheBoundaryRandom() {
        #expect(
            MailMessage.messageID(key: "order_confirmation.abc-1", domain: "soko.example")
                == "order_confirmation.abc-1@soko.example")
        #expect(MailMessage.messageID(key: "a b<c>@d", domain: "soko.example") == "a-b-c--d@soko.example")
        #expect(MailMessage.randomBoundary() != MailMessage.randomBoundary())
        #expect(MailMessage.randomBoundary().hasPrefix("=_"))
    }

    @Test(arguments: [
        (0, "Thu, 01 Jan 1970 00:00:00 +0000"),
        (1_767_225_600, "Thu, 01 Jan 2026 00:00:00 +0000"),
        (1_709_251_199, "Thu, 29 Feb 2024 23:59:59 +0000"),
    ])
    func datesAreRFC5322InUTC(seconds: Int, expected: String) {
        #expect(MailDate.format(seconds: seconds) == expected)
    }

    @Test(arguments: [
        (150_000, "KES", "KES 1,500.00"), (5, "kes", "KES 0.05"), (0, "KES", "KES 0.00"),
        (123_456_789, "USD", "USD 1,234,567.89"), (1_500, "JPY", "JPY 1,500"), (1_500, "BHD", "BHD 1.500"),
        (-250, "KES", "KES -2.50"), (100, "", "1.00"), (99_999, "UGX", "UGX 99,999"),
    ])
    func moneyIsWrittenFromMinorUnits(minor: Int, currency: String, expected: String) {
        #expect(Money.format(minor, currency: currency) == expected)
    }

    @Test(
        arguments: [
            ("Soko <no-reply@soko.example>", "Soko", "no-reply@soko.example"),
            ("no-reply@soko.example", nil, "no-reply@soko.example"),
            (#""Soko Shop" <shop@mail.soko.example>"#, "Soko Shop", "shop@mail.soko.example"),
        ] as [(String, String?, String)])
    func senderSettingsParse(text: String, name: String?, address: String) {
        let mailbox = Mailbox(parsing: text)
        #expect(mailbox?.name == name)
        #expect(mailbox?.address == address)
    }

    @Test(arguments: ["", "no-at-sign", "a@b", "a@@b.example", "a b@example.com", "ü@example.com", "a@exa_mple.com", "<a@b.c>"])
    func unusableAddressesAreRefused(address: String) {
        #expect(Mailbox(name: nil, address: address) == nil)
    }

    @Test func aBadSenderSettingStopsTheHost() {
        #expect(throws: NotificationSettings.Invalid.self) {
            try NotificationSettings(environment: ["SOKO_MAIL_FROM": "Soko <not an address>"])
        }
        #expect((try? NotificationSettings(environment: [:]))?.from.description == "Soko <no-reply@soko.example>")
    }
}
