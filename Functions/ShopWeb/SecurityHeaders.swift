import SokoFunctions

/// The headers every page carries.
///
/// The CSP allows scripts and styles from this origin only (no inline script or style, no
/// `eval`), images from this origin and `data:`, forms posting here only, and no framing. The
/// card page widens `script-src`, `frame-src` and `connect-src` to Stripe's origins in live mode
/// (``SecurityHeaders/stripe(_:)``).
public enum SecurityHeaders {
    public static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

    /// The policy of a page that loads Stripe.js from `scriptURL`'s origin.
    public static func stripe(_ scriptURL: String) -> String {
        "default-src 'self'; script-src 'self' https://js.stripe.com; style-src 'self'; img-src 'self' data: https://*.stripe.com; "
            + "connect-src 'self' https://api.stripe.com; frame-src https://js.stripe.com https://hooks.stripe.com; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    }

    /// Adds the page headers to `headers` (the CSP given, the fixed policy otherwise).
    public static func apply(to headers: inout HTTPHeaders, policy: String = contentSecurityPolicy) {
        headers.set("Content-Security-Policy", policy)
        headers.set("X-Content-Type-Options", "nosniff")
        headers.set("Referrer-Policy", "same-origin")
        headers.set("X-Frame-Options", "DENY")
        headers.set("Cross-Origin-Opener-Policy", "same-origin")
    }
}
