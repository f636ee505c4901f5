import SokoDeploy
import SokoHTTPTypes
import SokoManifest

/// The shop's own settings that production deployment files carry — its public URL, token issuer,
/// paybill, sender — from one input: a values file (`soko render … --values shop.yaml`) and/or
/// flags. Validated as a production host would: nothing renders with localhost, a documentation
/// placeholder or the sandbox paybill.
///
/// ```yaml
/// public_url: https://duka.co.ke          # required: where shoppers and Daraja reach the gateway
/// token_issuer: https://duka.co.ke        # default: public_url
/// mpesa_shortcode: "600123"               # required while mpesa is offered
/// mpesa_initiator: duka-api               # the Reversal API operator (M-Pesa refunds); else set
///                                         # SOKO_DARAJA_INITIATOR_NAME, or production refuses to start
/// payment_methods: [mpesa, stripe]        # default: both
/// sms_username: duka                      # Africa's Talking's application username (SMS); with
/// sms_sender_id: DUKA                     # the registered sender id; else SOKO_AT_USERNAME and
///                                         # SOKO_SMS_SENDER_ID, or SOKO_SMS=off, or production refuses
/// mail_from: "Duka <orders@duka.co.ke>"   # required
/// cluster_issuer: letsencrypt-prod        # Kubernetes: cert-manager's ClusterIssuer (default letsencrypt-prod)
/// stripe_publishable_key: pk_live_…       # the storefront's card page (Stripe.js); needed while cards are offered
/// ```
public struct ShopValues: DeploymentValues, Equatable {
    public var publicURL: String
    public var tokenIssuer: String
    public var mpesaShortcode: String?
    public var mpesaInitiator: String?
    public var smsUsername: String?
    public var smsSenderID: String?
    public var paymentMethods: [String]
    public var mailFrom: String
    public var clusterIssuer: String
    /// Stripe's publishable key for the storefront's card page (not a secret: it is in every page).
    public var stripePublishableKey: String?

    /// The keys a values file may have.
    public static let keys = [
        "public_url", "token_issuer", "mpesa_shortcode", "mpesa_initiator", "payment_methods", "mail_from", "cluster_issuer",
        "sms_username", "sms_sender_id", "stripe_publishable_key",
    ]

    /// Why the values cannot render production (one line, naming the key).
    public struct Invalid: Error, CustomStringConvertible, Equatable {
        public let description: String
        init(_ key: String, _ problem: String) { description = "\(key): \(problem)" }
    }

    /// Reads a values file's text (YAML mapping of ``keys``).
    public static func parse(yaml: String) throws(Invalid) -> [String: String] {
        let node: YAMLNode?
        do { node = try YAMLReader.read(yaml) } catch { throw Invalid("values", "not YAML: \(error)") }
        guard let entries = node?.entries else {
            throw Invalid("values", "expected a mapping of \(keys.joined(separator: ", "))")
        }
        var fields: [String: String] = [:]
        for (key, value) in entries {
            guard let name = key.text, keys.contains(name) else {
                throw Invalid(key.text ?? "values", "is not a shop value (expected one of \(keys.joined(separator: ", ")))")
            }
            if let list = value.items {
                fields[name] = list.compactMap(\.text).joined(separator: ",")
            } else if let text = value.text {
                fields[name] = text
            } else {
                throw Invalid(name, "expected text")
            }
        }
        return fields
    }

    /// Validates the fields (values file merged with flags).
    public init(_ fields: [String: String]) throws(Invalid) {
        func field(_ key: String) -> String? {
            fields[key].map { $0.trimmingSpaces }.flatMap { $0.isEmpty ? nil : $0 }
        }
        // Values land in env files and YAML: a line break or control character would add settings.
        for (key, value) in fields where value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw Invalid(key, "contains a line break or control character")
        }
        guard let publicURL = field("public_url") else {
            throw Invalid("public_url", "is required to render production (the shop's https address, e.g. https://duka.co.ke)")
        }
        if let problem = ProductionURL.problem(publicURL) { throw Invalid("public_url", problem) }
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        tokenIssuer = field("token_issuer") ?? self.publicURL
        if let problem = ProductionURL.problem(tokenIssuer) { throw Invalid("token_issuer", problem) }
        paymentMethods = (field("payment_methods") ?? "mpesa,stripe").split(separator: ",").map { String($0).trimmingSpaces }
        for method in paymentMethods where !["mpesa", "stripe"].contains(method) {
            throw Invalid("payment_methods", "\"\(method)\" is not a payment method (mpesa, stripe)")
        }
        guard !paymentMethods.isEmpty else { throw Invalid("payment_methods", "names no method (mpesa, stripe)") }
        mpesaShortcode = field("mpesa_shortcode")
        if paymentMethods.contains("mpesa") {
            guard let code = mpesaShortcode else {
                throw Invalid("mpesa_shortcode", "is required while M-Pesa is offered (the shop's paybill or till number)")
            }
            guard (5...7).contains(code.count), code.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw Invalid("mpesa_shortcode", "must be 5 to 7 digits")
            }
            guard code != "174379" else { throw Invalid("mpesa_shortcode", "174379 is Safaricom's public sandbox paybill") }
        }
        mpesaInitiator = field("mpesa_initiator")
        if mpesaInitiator == "testapi" { throw Invalid("mpesa_initiator", "testapi is Daraja's sandbox operator") }
        smsUsername = field("sms_username")
        if smsUsername == "sandbox" { throw Invalid("sms_username", "sandbox is Africa's Talking's test environment") }
        smsSenderID = field("sms_sender_id")
        guard let mailFrom = field("mail_from") else {
            throw Invalid("mail_from", "is required (the shop's sender, e.g. \"Duka <orders@duka.co.ke>\")")
        }
        let domain = mailFrom.split(separator: "@").last.map { String($0.filter { $0 != ">" && $0 != " " }) } ?? ""
        guard mailFrom.contains("@"), ProductionURL.kind("https://" + domain) == .real else {
            throw Invalid("mail_from", "\(mailFrom) is not the shop's own address")
        }
        self.mailFrom = mailFrom
        stripePublishableKey = field("stripe_publishable_key")
        if let key = stripePublishableKey, !key.hasPrefix("pk_live_") {
            throw Invalid("stripe_publishable_key", "must be Stripe's live publishable key (pk_live_…)")
        }
        clusterIssuer = field("cluster_issuer") ?? "letsencrypt-prod"
        let issuerValid =
            clusterIssuer.count <= 253 && clusterIssuer.first?.isLetter == true
            && clusterIssuer.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" || $0 == "." }
        guard issuerValid else {
            throw Invalid("cluster_issuer", "\"\(clusterIssuer)\" is not a Kubernetes object name (lower case, digits, - and .)")
        }
    }

    /// The public URL's host name (the Ingress's and the certificate's).
    public var host: String { ProductionURL.host(publicURL) ?? publicURL }

    /// The settings as `NAME=value` lines for an env file (compose's `shop.env`, kustomize's).
    public var environment: [(name: String, value: String)] {
        var out = [
            ("SOKO_PUBLIC_URL", publicURL), ("SOKO_TOKEN_ISSUER", tokenIssuer),
            ("SOKO_PAYMENT_METHODS", paymentMethods.joined(separator: ",")), ("SOKO_MAIL_FROM", mailFrom),
        ]
        if let mpesaShortcode { out.append(("SOKO_DARAJA_SHORTCODE", mpesaShortcode)) }
        if let stripePublishableKey { out.append(("SOKO_STRIPE_PUBLISHABLE_KEY", stripePublishableKey)) }
        if let mpesaInitiator { out.append(("SOKO_DARAJA_INITIATOR_NAME", mpesaInitiator)) }
        if let smsUsername { out.append(("SOKO_AT_USERNAME", smsUsername)) }
        if let smsSenderID { out.append(("SOKO_SMS_SENDER_ID", smsSenderID)) }
        return out
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        return String(s)
    }
}
