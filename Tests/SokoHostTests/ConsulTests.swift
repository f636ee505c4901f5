import Foundation
import SokoFunctions
import SokoHTTP
import SokoManifest
import SokoOutbound
import SokoTesting
import SokoWorkers
import Synchronization
import Testing

@testable import SokoHost

private func parsed(_ bytes: [UInt8]) -> [String: Any] { FakeConsulBundle.parsed(bytes) }

@Suite("Consul registration and discovery", .serialized)
struct ConsulTests {
    static func serve(
        _ bundle: any FunctionBundle.Type, _ manifest: String, environment: [String: String] = [:], service: String? = nil,
        function: String? = nil, unit: String? = nil, port: Int = 0
    ) async throws -> RunningHost {
        var configuration = HostConfiguration(
            server: ServerConfiguration(host: "127.0.0.1", port: port), loops: 1, accessLog: .discard)
        configuration.manifestsDirectory = "-"
        configuration.environment = environment
        configuration.service = service
        configuration.function = function
        configuration.unit = unit
        configuration.consulRefresh = .milliseconds(100)
        let host = try FunctionHost(
            manifests: [try ManifestParser.parse(yaml: manifest, file: "m.yaml")], bundles: [bundle], configuration: configuration
        )
        let group = EventLoopGroup(loopCount: 1)
        group.start()
        return try await host.start(on: group)
    }

    @Test func aWildcardBindAdvertisesTheHostsOwnAddress() {
        #expect(Consul.advertisedAddress(configured: "10.1.2.3", bound: "0.0.0.0") == "10.1.2.3")
        #expect(Consul.advertisedAddress(configured: nil, bound: "127.0.0.1") == "127.0.0.1")
        let advertised = Consul.advertisedAddress(configured: nil, bound: "0.0.0.0")
        #expect(!advertised.isEmpty && advertised != "0.0.0.0" && !advertised.hasPrefix("127."))
    }

    @Test func aHostRegistersItsServiceIsFoundAndDeregistersOnDrain() async throws {
        let agent = try await Self.serve(FakeConsulBundle.self, FakeConsulBundle.manifest)
        let address = "http://127.0.0.1:\(agent.port)"
        let probe = try await Self.serve(
            ProbeBundle.self, ProbeBundle.manifest,
            environment: ["CONSUL_HTTP_ADDR": address, "SOKO_ADVERTISE_ADDRESS": "127.0.0.1"])

        let registration = parsed(try #require(FakeConsulBundle.log.withLock { $0.registrations.last }))
        #expect(registration["Name"] as? String == "probe")
        let id = try #require(registration["ID"] as? String)
        #expect(id.contains("probe") && id.contains("\(probe.port)"))
        #expect(registration["Address"] as? String == "127.0.0.1")
        #expect(registration["Port"] as? Int == probe.port)
        #expect((registration["Tags"] as? [String])?.contains("hello") == true)
        let check = try #require(registration["Check"] as? [String: Any])
        #expect(check["HTTP"] as? String == "http://127.0.0.1:\(probe.port)/readyz")
        #expect(check["Interval"] as? String == "10s")
        #expect(check["DeregisterCriticalServiceAfter"] as? String == "1m")

        // Discovery through the agent's health API finds the passing instance.
        let client = await StandaloneClient.start()
        let consul = Consul(settings: ConsulSettings(agent: address), client: client.client)
        #expect(await consul.resolve("probe") == "http://127.0.0.1:\(probe.port)")
        #expect(await consul.resolve("nothing-by-that-name") == nil)
        await client.shutdown()

        #expect(await probe.stop(drainTimeout: .seconds(2)))
        #expect(FakeConsulBundle.log.withLock { $0.deregistrations }.contains(id))
        #expect(await agent.stop(drainTimeout: .seconds(2)))
    }

    /// Consul with ACLs (default deny), as compose runs it: a host registers with its own token,
    /// and a token for another unit cannot register a fake `probe`.
    @Test func withACLsAHostRegistersWithItsTokenAndNoOtherTokenCanTakeItsName() async throws {
        let agent = try await Self.serve(
            FakeConsulBundle.self, FakeConsulBundle.manifest,
            environment: ["FAKE_CONSUL_ACL": "probe-token=probe;orders-token=orders;dns-token="])
        let address = "http://127.0.0.1:\(agent.port)"
        let probe = try await Self.serve(
            ProbeBundle.self, ProbeBundle.manifest,
            environment: ["CONSUL_HTTP_ADDR": address, "CONSUL_HTTP_TOKEN": "probe-token", "SOKO_ADVERTISE_ADDRESS": "127.0.0.1"])
        #expect(Self.registrations(port: probe.port).map(\.name).contains("probe"))
        let impostor = try await Self.serve(
            ProbeBundle.self, ProbeBundle.manifest,
            environment: [
                "CONSUL_HTTP_ADDR": address, "CONSUL_HTTP_TOKEN": "orders-token", "SOKO_ADVERTISE_ADDRESS": "127.0.0.1",
            ])
        #expect(Self.registrations(port: impostor.port).isEmpty, "another unit's token registered probe")
        #expect(FakeConsulBundle.log.withLock { $0.refused }.contains("probe"))
        // Discovery reads with a token; without one, nothing is found.
        let client = await StandaloneClient.start()
        let reader = Consul(settings: ConsulSettings(agent: address, token: "dns-token"), client: client.client)
        #expect(await reader.resolve("probe") == "http://127.0.0.1:\(probe.port)")
        let anonymous = Consul(settings: ConsulSettings(agent: address), client: client.client)
        #expect(await anonymous.resolve("probe") == nil)
        await client.shutdown()
        for host in [probe, impostor, agent] { #expect(await host.stop(drainTimeout: .seconds(2))) }
    }

    /// The names and tags a process on `port` registered.
    static func registrations(port: Int) -> [(name: String, tags: [String])] {
        FakeConsulBundle.log.withLock { $0.registrations }.map(parsed).filter { $0["Port"] as? Int == port }.map {
            ($0["Name"] as? String ?? "", ($0["Tags"] as? [String]) ?? [])
        }
    }

    @Test func aFunctionDeployedOnItsOwnRegistersUnderItsUnitNameAndLeavesTheServicesProcess() async throws {
        let manifest = ProbeBundle.manifest.replacingOccurrences(
            of: "http: GET /hello\n    auth: public\n", with: "http: GET /hello\n    auth: public\n    deploy: function\n")
        #expect(manifest.contains("deploy: function"))
        let agent = try await Self.serve(FakeConsulBundle.self, FakeConsulBundle.manifest)
        let environment = ["CONSUL_HTTP_ADDR": "http://127.0.0.1:\(agent.port)", "SOKO_ADVERTISE_ADDRESS": "127.0.0.1"]

        // `--unit probe`: the service's unit, without the function deployed on its own.
        let service = try await Self.serve(ProbeBundle.self, manifest, environment: environment, unit: "probe")
        let serviceRegistrations = Self.registrations(port: service.port)
        #expect(serviceRegistrations.map(\.name) == ["probe"])
        #expect(serviceRegistrations.first?.tags.contains("echo") == true)
        #expect(serviceRegistrations.first?.tags.contains("hello") == false)
        #expect(!service.host.functions.contains { $0.name == "hello" })

        // `--unit probe-hello`: the function's own unit, found through Consul under that name.
        let alone = try await Self.serve(ProbeBundle.self, manifest, environment: environment, unit: "probe-hello")
        #expect(Self.registrations(port: alone.port).map(\.name) == ["probe-hello"])
        #expect(Self.registrations(port: alone.port).first?.tags == ["hello"])
        let client = await StandaloneClient.start()
        let consul = try #require(
            try HostSettings(environment: environment).consul.map { Consul(settings: $0, client: client.client) })
        #expect(await consul.resolve("probe-hello") == "http://127.0.0.1:\(alone.port)")
        #expect(await consul.resolve("probe") == "http://127.0.0.1:\(service.port)")
        await client.shutdown()

        // A process serving the whole service (`--service probe`, or everything) registers as both
        // units: it serves both.
        let whole = try await Self.serve(ProbeBundle.self, manifest, environment: environment, service: "probe")
        #expect(whole.host.functions.contains { $0.name == "hello" })
        #expect(Self.registrations(port: whole.port).map(\.name).sorted() == ["probe", "probe-hello"])
        let everything = try await Self.serve(ProbeBundle.self, manifest, environment: environment)
        #expect(Self.registrations(port: everything.port).map(\.name).sorted() == ["probe", "probe-hello"])

        for host in [service, alone, whole, everything, agent] { #expect(await host.stop(drainTimeout: .seconds(2))) }

        // A service whose every function is deployed on its own has no unit of its own to serve,
        // and --unit takes no other selection.
        let scattered = "service: probe\ndeploy: function\nfunctions:\n  hello:\n    http: GET /hello\n    auth: public\n"
        let missing = await #expect(throws: HostSetupError.self) {
            _ = try await Self.serve(ProbeBundle.self, scattered, unit: "probe")
        }
        #expect(missing?.description == "no deployment unit named \"probe\" (known: probe-hello)")
        await #expect(throws: HostSetupError.self) {
            _ = try await Self.serve(ProbeBundle.self, manifest, service: "probe", unit: "probe")
        }
    }

    @Test func aHostThatCouldNotRegisterKeepsTryingUntilConsulTakesIt() async throws {
        // Consul is not there yet: the first registration fails, the host serves anyway.
        let agentPort = try LoopbackPort.free()
        let environment = ["CONSUL_HTTP_ADDR": "http://127.0.0.1:\(agentPort)", "SOKO_ADVERTISE_ADDRESS": "127.0.0.1"]
        let probe = try await Self.serve(ProbeBundle.self, ProbeBundle.manifest, environment: environment)
        #expect(Self.registrations(port: probe.port).isEmpty)
        // Consul comes up (or back, having forgotten everything): the host registers again.
        let agent = try await Self.serve(FakeConsulBundle.self, FakeConsulBundle.manifest, port: agentPort)
        var names: [String] = []
        for _ in 0..<500 where names.isEmpty {
            names = Self.registrations(port: probe.port).map(\.name)
            if names.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(names.first == "probe")
        #expect(await probe.stop(drainTimeout: .seconds(2)))
        #expect(FakeConsulBundle.log.withLock { $0.deregistrations }.contains("probe-127.0.0.1-\(probe.port)"))
        #expect(await agent.stop(drainTimeout: .seconds(2)))
    }
}
