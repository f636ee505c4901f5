import ShopWeb
import SokoFunctions

/// The account-recovery pages' forms: asking for a reset link, setting the new password from a
/// mailed link, and confirming a mailed verification link. The mailed token travels in a hidden
/// field: the pages never act on a GET, so a mail scanner following the link changes nothing.
enum RecoveryForms {
    static func forgot(_ web: WebRequest, email: String = "", error: String? = nil) -> HTML {
        """
        <h1>Forgot your password?</h1>
        <p>Enter the email of your account and we will send you a link to choose a new password.</p>
        \(error.map { "<p class=\"alert\" role=\"alert\">\($0)</p>" as HTML })
        <form method="post" action="/account/forgot-password">\(web.csrfField)
        <div class="field"><label for="email">Email</label><input id="email" name="email" type="email" autocomplete="email" required value="\(email)"></div>
        <button type="submit">Send the link</button>
        </form>
        <p><a href="/signin">Back to sign in</a></p>
        """
    }

    /// What the shop says after a reset request, whether the email has an account or not.
    static let linkSent: HTML = """
        <h1>Check your email</h1>
        <p role="status">If an account uses that email, we have sent it a link to choose a new password. The link works for 30 minutes.</p>
        <p><a href="/signin">Back to sign in</a></p>
        """

    static func reset(_ web: WebRequest, token: String, error: String? = nil) -> HTML {
        """
        <h1>Choose a new password</h1>
        \(error.map { "<p class=\"alert\" role=\"alert\">\($0)</p>" as HTML })
        <form method="post" action="/account/reset-password">\(web.csrfField)
        <input type="hidden" name="token" value="\(token)">
        <div class="field"><label for="password">Password</label><input id="password" name="password" type="password" autocomplete="new-password" minlength="10" required></div>
        <button type="submit">Set new password</button>
        </form>
        """
    }

    static let passwordChanged: HTML = """
        <h1>Password changed</h1>
        <p role="status">Your password was changed and you were signed out everywhere. Sign in with the new password.</p>
        <p><a href="/signin">Sign in</a></p>
        """

    /// A mailed link that is unknown, used or expired (or has no token at all).
    static func deadLink(resetting: Bool) -> HTML {
        let again: HTML =
            resetting
            ? "<p><a href=\"/account/forgot-password\">Ask for a new link</a></p>"
            : "<p>Sign in and ask for a new verification mail from your account.</p><p><a href=\"/signin\">Sign in</a></p>"
        return """
            <h1>This link no longer works</h1>
            <p class="alert" role="alert">The link is expired or was used already.</p>
            \(again)
            """
    }

    static func verify(_ web: WebRequest, token: String) -> HTML {
        """
        <h1>Verify your email</h1>
        <p>Confirm that this email address is yours.</p>
        <form method="post" action="/account/verify-email">\(web.csrfField)
        <input type="hidden" name="token" value="\(token)">
        <button type="submit">Verify email</button>
        </form>
        """
    }

    static let emailVerified: HTML = """
        <h1>Email verified</h1>
        <p role="status">Thank you: your email address is verified.</p>
        <p><a href="/">Back to the shop</a></p>
        """
}
