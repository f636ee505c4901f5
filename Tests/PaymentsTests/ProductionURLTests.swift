import SokoFunctions
import Testing

@Suite("ProductionURL")
struct ProductionURLTests {
    @Test(arguments: [
        ("https://duka.co.ke", ProductionURL.Kind.real),
        ("https://api.safaricom.co.ke/", .real),
        ("http://localhost:8080", .local),
        ("https://127.0.0.1", .local),
        ("http://[::1]:8080", .local),
        ("http://shop.localhost", .local),
        ("https://shop.example.com", .placeholder),
        ("https://example.org", .placeholder),
        ("https://duka.test", .placeholder),
        ("https://duka.co.ke/_sandbox/daraja", .unrouted),
        ("ftp://duka.co.ke", .placeholder),
        ("https://localhost.", .local),
        ("https://[::ffff:127.0.0.1]", .local),
        ("https://[0::1]", .local),
        ("https://2130706433", .local),
        ("https://0x7f.1", .local),
        ("https://duka.example.com.", .placeholder),
        ("https://10.0.0.5", .privateNetwork),
        ("https://172.20.1.1", .privateNetwork),
        ("https://192.168.1.10", .privateNetwork),
        ("https://[fd00::1]", .privateNetwork),
        ("https://duka.local", .privateNetwork),
        ("http://gateway:8080", .privateNetwork),
        ("http://sandbox.soko.svc.cluster.local:8080/_sandbox/daraja", .unrouted),
        ("HTTPS://DUKA.CO.KE", .real),
        ("https://41.90.64.10", .real),
    ])
    func kinds(_ url: String, _ kind: ProductionURL.Kind) {
        #expect(ProductionURL.kind(url) == kind)
    }

    @Test func productionNeedsHTTPSToARealHost() {
        #expect(ProductionURL.problem("https://duka.co.ke") == nil)
        #expect(ProductionURL.problem("http://duka.co.ke")?.contains("must be https") == true)
        #expect(ProductionURL.problem("https://localhost")?.contains("this machine") == true)
        #expect(ProductionURL.problem("https://shop.example.com")?.contains("placeholder") == true)
        #expect(ProductionURL.problem("https://duka.co.ke/_sandbox/stripe")?.contains("sandbox") == true)
        #expect(ProductionURL.problem("duka.co.ke")?.contains("not an http(s) URL") == true)
    }
}
