import Testing

@testable import SokoHost

@Suite("The host's settings, read once")
struct HostSettingsTests {
    @Test func everySettingIsReadFromTheEnvironmentOnce() throws {
        let settings = try HostSettings(environment: [
            "SOKO_TOKEN_ISSUER": "https://shop.example", "SOKO_JWKS_URL": "http://users:8080/.well-known/jwks.json",
            "SOKO_SERVICE_URL_PAYMENTS_MPESA_CALLBACK": "http://callback:8080/", "SOKO_SERVICE_CLIENT_ID": "platform",
            "SOKO_SERVICE_CLIENT_SECRET": "s3cret", "CONSUL_HTTP_ADDR": "consul:8500", "CONSUL_HTTP_TOKEN": "t",
            "SOKO_EVENT_POLL_MS": "20", "SOKO_RATE_LIMITS": "off", "SOKO_MAIL_DIR": "/tmp/mail",
        ])
        #expect(settings.tokenIssuer == "https://shop.example")
        #expect(!settings.tokenIssuerIsDefault)
        #expect(settings.jwksURL == "http://users:8080/.well-known/jwks.json")
        #expect(settings.services.urls == ["payments-mpesa-callback": "http://callback:8080"])
        #expect(settings.services.clientID == "platform")
        #expect(settings.consul?.agent == "http://consul:8500")
        #expect(settings.consul?.token == "t")
        #expect(settings.relay.poll == .milliseconds(20))
        #expect(!settings.rateLimits)
        #expect(settings.mail.directory == "/tmp/mail")
        #expect(settings.mail.smtp == nil)
    }

    @Test(arguments: [
        ("SOKO_EVENT_POLL_MS", "soon"), ("SOKO_EVENT_BACKOFF_MS", "0"), ("SOKO_RATE_LIMITS", "maybe"),
        ("SOKO_JWKS_URL", "users:8080/jwks"), ("SOKO_SERVICE_URL_CART", "cart:8080"), ("SOKO_LOKI_URL", "ftp://loki"),
        ("SOKO_SMTP_URL", "mail.example:587"), ("SOKO_SMTP_TLS", "sometimes"),
    ])
    func aMalformedValueIsRefusedNamingItsVariable(_ name: String, _ value: String) {
        var environment = [name: value]
        if name == "SOKO_SMTP_TLS" { environment["SOKO_SMTP_URL"] = "smtp://mail.example:587" }
        let error = #expect(throws: ConfigurationError.self) { try HostSettings(environment: environment) }
        #expect(error?.variable == name)
    }

    @Test func trustedProxiesPrintAsTheyAreWritten() throws {
        #expect(TrustedProxies.loopback.description == "127.0.0.1,::1")
        #expect(try TrustedProxies(parsing: "10.0.0.0/8, fd00::/8,192.168.1.7").description == "10.0.0.0/8,fd00::/8,192.168.1.7")
        #expect(try TrustedProxies(parsing: "").description == "none")
    }
}
