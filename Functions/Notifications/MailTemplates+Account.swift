/// The account emails: a password-reset link and an address-verification link. The link is the
/// only thing in them that acts; the text says what to do if the reader did not ask.
extension MailTemplates {
    static func passwordReset(name: String, url: String, minutes: Int, shop: String) -> MailContent {
        let subject = "Reset your \(shop) password"
        let ask = "Someone (we hope you) asked to reset the password of your \(shop) account."
        let expiry =
            "The link works once, for \(minutes) minutes. Signing in with the new password signs you out everywhere else."
        let ignore = "If you did not ask, ignore this email: your password stays as it is."
        let text = """
            \(MailLayout.greeting(name))

            \(ask) Choose a new one here:

            \(url)

            \(expiry)
            \(ignore)

            The \(shop) team
            """
        let html = MailLayout.html(
            title: "Reset your password", shop: shop,
            paragraphs: [
                HTML.escape(MailLayout.greeting(name)), HTML.escape(ask),
                "<a href=\"\(HTML.escape(url))\">Choose a new password</a>", HTML.escape(expiry), HTML.escape(ignore),
            ])
        return MailContent(subject: subject, text: text, html: html)
    }

    static func emailVerification(name: String, url: String, hours: Int, shop: String) -> MailContent {
        let subject = "Confirm your email address for \(shop)"
        let ask = "Please confirm that this address is yours, so that we can reach you about your orders."
        let expiry = "The link works once, for \(hours) hours."
        let ignore = "If you did not create a \(shop) account, ignore this email."
        let text = """
            \(MailLayout.greeting(name))

            \(ask)

            \(url)

            \(expiry)
            \(ignore)

            The \(shop) team
            """
        let html = MailLayout.html(
            title: "Confirm your email address", shop: shop,
            paragraphs: [
                HTML.escape(MailLayout.greeting(name)), HTML.escape(ask),
                "<a href=\"\(HTML.escape(url))\">Confirm my address</a>", HTML.escape(expiry), HTML.escape(ignore),
            ])
        return MailContent(subject: subject, text: text, html: html)
    }
}
