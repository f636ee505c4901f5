import ShopWeb
import SokoFunctions

/// The sign-in and registration forms (shown again with the shopper's entries and the reason
/// when a submission is refused).
enum AccountForms {
    static func signIn(_ web: WebRequest, email: String = "", next: String, error: String? = nil) -> HTML {
        """
        <h1>Sign in</h1>
        \(error.map { "<p class=\"alert\" role=\"alert\">\($0)</p>" as HTML })
        <form method="post" action="/signin">\(web.csrfField)
        <input type="hidden" name="next" value="\(next)">
        <div class="field"><label for="email">Email</label><input id="email" name="email" type="email" autocomplete="email" required value="\(email)"></div>
        <div class="field"><label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required></div>
        <button type="submit">Sign in</button>
        </form>
        <p><a href="/account/forgot-password">Forgot your password?</a></p>
        <p>New here? <a href="/register?next=\(FormEncoding.encode(next))">Register</a></p>
        """
    }

    static func register(_ web: WebRequest, name: String = "", email: String = "", next: String, error: String? = nil) -> HTML {
        """
        <h1>Create your account</h1>
        \(error.map { "<p class=\"alert\" role=\"alert\">\($0)</p>" as HTML })
        <form method="post" action="/register">\(web.csrfField)
        <input type="hidden" name="next" value="\(next)">
        <div class="field"><label for="name">Name</label><input id="name" name="name" autocomplete="name" required value="\(name)"></div>
        <div class="field"><label for="email">Email</label><input id="email" name="email" type="email" autocomplete="email" required value="\(email)"></div>
        <div class="field"><label for="password">Password</label><input id="password" name="password" type="password" autocomplete="new-password" minlength="8" required></div>
        <button type="submit">Register</button>
        </form>
        <p>Have an account? <a href="/signin?next=\(FormEncoding.encode(next))">Sign in</a></p>
        """
    }
}
