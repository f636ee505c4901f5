import Testing

@testable import SokoHost

@Suite("Trusted proxies: addresses and CIDR networks")
struct TrustedProxiesTests {
    @Test func loopbackByDefault() {
        let proxies = HostConfiguration().trustedProxies
        #expect(proxies.contains("127.0.0.1") && proxies.contains("::1"))
        #expect(!proxies.contains("127.0.0.2") && !proxies.contains("10.0.0.1"))
    }

    @Test func networksMatchTheirAddressesOnly() throws {
        let proxies = try TrustedProxies(parsing: "10.0.0.0/8, 172.16.0.0/12,192.168.1.7, fd00::/8")
        for inside in ["10.0.0.1", "10.255.255.255", "172.16.0.1", "172.31.255.254", "192.168.1.7", "::ffff:10.1.2.3", "fd12::1"]
        {
            #expect(proxies.contains(inside), "\(inside)")
        }
        for outside in ["11.0.0.1", "172.32.0.1", "172.15.255.255", "192.168.1.8", "fe80::1", "127.0.0.1", "", "not an address"] {
            #expect(!proxies.contains(outside), "\(outside)")
        }
        #expect(try TrustedProxies(parsing: "0.0.0.0/0").contains("203.0.113.9"))
        #expect(!(try TrustedProxies(parsing: "").contains("127.0.0.1")))
        #expect(try TrustedProxies(parsing: "172.18.0.0/17").contains("172.18.127.255"))
        #expect(!(try TrustedProxies(parsing: "172.18.0.0/17").contains("172.18.128.0")))
    }

    @Test(arguments: ["10.0.0.0/33", "10.0.0/8", "gateway", "10.0.0.0/", "10.0.0.0/x", "::/129", "10.0.0.0/+8"])
    func malformedEntriesAreRefusedNamingTheVariable(_ entry: String) {
        #expect(throws: ConfigurationError.self) { try TrustedProxies(parsing: "127.0.0.1," + entry) }
        let error = #expect(throws: ConfigurationError.self) {
            try HostConfiguration.fromEnvironment(["SOKO_TRUSTED_PROXIES": entry])
        }
        #expect(error?.variable == "SOKO_TRUSTED_PROXIES")
    }

    @Test func theClientIsTheLastForwardedAddressOnlyBehindATrustedProxy() async throws {
        let request = "GET /client HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 203.0.113.5, 198.51.100.7\r\n\r\n"
        let behind = try await LiveHost.start(loops: 1, trustedProxies: try TrustedProxies(parsing: "127.0.0.0/8"))
        let client = try behind.client()
        client.send(request)
        #expect(try await client.readResponse().text == "198.51.100.7")
        #expect(await behind.stop())

        let direct = try await LiveHost.start(loops: 1, trustedProxies: try TrustedProxies(parsing: "10.0.0.0/8"))
        let spoofer = try direct.client()
        spoofer.send(request)
        #expect(try await spoofer.readResponse().text == "127.0.0.1")
        #expect(await direct.stop())
    }
}
