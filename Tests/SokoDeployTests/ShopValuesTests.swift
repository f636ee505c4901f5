import Shop
import SokoDeploy
import Testing

/// The shop's values production files are rendered from: one input, checked as a production host
/// would check them.
@Suite("ShopValues")
struct ShopValuesTests {
    static let complete = [
        "public_url": "https://duka.co.ke/", "mpesa_shortcode": "600123", "mail_from": "Duka <orders@duka.co.ke>",
    ]

    @Test func aValuesFileGivesEverySetting() throws {
        let fields = try ShopValues.parse(
            yaml: """
                public_url: https://duka.co.ke
                token_issuer: https://id.duka.co.ke
                mpesa_shortcode: "600123"
                payment_methods: [mpesa]
                mail_from: "Duka <orders@duka.co.ke>"
                cluster_issuer: letsencrypt-staging
                """)
        let values = try ShopValues(fields)
        #expect(values.host == "duka.co.ke" && values.tokenIssuer == "https://id.duka.co.ke")
        #expect(values.paymentMethods == ["mpesa"] && values.clusterIssuer == "letsencrypt-staging")
        #expect(
            values.environment.map { "\($0.name)=\($0.value)" } == [
                "SOKO_PUBLIC_URL=https://duka.co.ke", "SOKO_TOKEN_ISSUER=https://id.duka.co.ke", "SOKO_PAYMENT_METHODS=mpesa",
                "SOKO_MAIL_FROM=Duka <orders@duka.co.ke>", "SOKO_DARAJA_SHORTCODE=600123",
            ])
    }

    @Test func theIssuerDefaultsToThePublicURL() throws {
        let values = try ShopValues(Self.complete)
        #expect(values.publicURL == "https://duka.co.ke" && values.tokenIssuer == "https://duka.co.ke")
        #expect(values.paymentMethods == ["mpesa", "stripe"] && values.clusterIssuer == "letsencrypt-prod")
    }

    @Test(
        arguments: [
            (["public_url": nil], "public_url: is required"),
            (["public_url": "http://duka.co.ke"], "public_url: \"http://duka.co.ke\" must be https"),
            (["public_url": "https://localhost:8443"], "points at this machine"),
            (["public_url": "https://shop.example.com"], "documentation placeholder"),
            (["token_issuer": "http://localhost:8080"], "token_issuer:"),
            (["mpesa_shortcode": nil], "mpesa_shortcode: is required while M-Pesa is offered"),
            (["mpesa_shortcode": "174379"], "Safaricom's public sandbox paybill"),
            (["mpesa_shortcode": "12ab"], "must be 5 to 7 digits"),
            (["payment_methods": "mpesa,paypal"], "\"paypal\" is not a payment method"),
            (["mail_from": nil], "mail_from: is required"),
            (["mail_from": "Soko <no-reply@soko.example>"], "is not the shop's own address"),
            (["mail_from": "orders@duka.co.ke\nSOKO_ENV=development\nX=a@duka.co.ke"], "mail_from: contains a line break"),
            (["public_url": "https://duka.co.ke\r\nSOKO_ENV=development"], "contains a line break"),
            (["cluster_issuer": "le\n  evil: true"], "contains a line break"),
            (["cluster_issuer": "Lets Encrypt"], "is not a Kubernetes object name"),
            (["public_url": "https://10.0.0.5"], "private network"),
            (["public_url": "https://localhost."], "points at this machine"),
            (["public_url": "https://2130706433"], "points at this machine"),
        ] as [([String: String?], String)])
    func refusals(_ change: [String: String?], _ message: String) {
        var fields = Self.complete
        for (key, value) in change { fields[key] = value }
        let error = #expect(throws: ShopValues.Invalid.self) { try ShopValues(fields) }
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
    }

    @Test func stripeOnlyShopsNeedNoPaybill() throws {
        var fields = Self.complete
        fields["mpesa_shortcode"] = nil
        fields["payment_methods"] = "stripe"
        #expect(try ShopValues(fields).environment.contains { $0.name == "SOKO_DARAJA_SHORTCODE" } == false)
    }

    @Test func unknownKeysInAValuesFileAreRefused() {
        #expect(throws: ShopValues.Invalid.self) {
            try ShopValues.parse(yaml: "public_url: https://duka.co.ke\nshop_name: Duka\n")
        }
        #expect(throws: ShopValues.Invalid.self) { try ShopValues.parse(yaml: "- a list\n") }
    }
}
