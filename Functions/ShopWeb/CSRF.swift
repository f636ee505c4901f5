import Crypto
import SokoFunctions

/// CSRF tokens tied to the browser: HMAC-SHA256 of the browser id (``WebSession/browserID``)
/// under ``WebSettings/secret``, in a hidden `csrf` field of every form that changes state.
///
/// A page from another site cannot read the token (it never sees the page or the `HttpOnly`
/// cookie), and a token from another browser does not match this browser's id; comparisons are
/// constant-time. `SameSite=Lax` cookies are the second line.
public struct CSRF: Sendable {
    public static let field = "csrf"
    let secret: [UInt8]

    public init(secret: [UInt8]) { self.secret = secret }

    /// The token for `browserID`.
    public func token(for browserID: String) -> String {
        Base64URL.encode(HMAC<SHA256>.authenticationCode(for: Array(browserID.utf8), using: SymmetricKey(data: secret)))
    }

    /// Whether `presented` is `browserID`'s token (false when either is missing).
    public func verify(_ presented: String?, browserID: String?) -> Bool {
        guard let presented, let browserID else { return false }
        return ConstantTime.equal(Array(presented.utf8), Array(token(for: browserID).utf8))
    }

    /// The hidden field to put in a form.
    public func field(for browserID: String) -> HTML {
        "<input type=\"hidden\" name=\"\(Self.field)\" value=\"\(token(for: browserID))\">"
    }
}
