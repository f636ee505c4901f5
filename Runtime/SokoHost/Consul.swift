import Foundation
import Logging
import SokoFunctions
import Synchronization

/// Service discovery through a Consul agent (`CONSUL_HTTP_ADDR`, with `CONSUL_HTTP_TOKEN` when ACLs
/// are on): a host registers each deployment unit it serves once it listens (a service, or a
/// function deployed on its own as `<service>-<function>`) — an ID unique per instance, its address
/// and port, its functions as tags, an HTTP check on `/readyz` with `DeregisterCriticalServiceAfter`
/// — and deregisters when it drains. Function invocation finds units without a configured URL
/// through the agent's health API (passing instances only), cached for a few seconds.
final class Consul: Sendable {
    let agent: String
    private let token: String?
    private let client: any OutgoingHTTP
    private let cache = Mutex<[String: (urls: [String], expires: ContinuousClock.Instant)]>([:])
    private let logger = Logger(label: "soko.consul")

    /// Talks to `settings`' agent through `client` (the host's outgoing client, on the loops).
    init(settings: ConsulSettings, client: any OutgoingHTTP) {
        agent = settings.agent
        token = settings.token
        self.client = client
    }

    /// The agent's registration body (its keys are PascalCase).
    struct Registration: Encodable {
        struct Check: Encodable {
            var http: String
            var method = "GET"
            var interval = "10s"
            var timeout = "2s"
            var deregisterCriticalServiceAfter = "1m"

            enum CodingKeys: String, CodingKey {
                case http = "HTTP"
                case method = "Method"
                case interval = "Interval"
                case timeout = "Timeout"
                case deregisterCriticalServiceAfter = "DeregisterCriticalServiceAfter"
            }
        }
        var id: String
        var name: String
        var tags: [String]
        var address: String
        var port: Int
        var meta: [String: String]
        var check: Check

        enum CodingKeys: String, CodingKey {
            case id = "ID"
            case name = "Name"
            case tags = "Tags"
            case address = "Address"
            case port = "Port"
            case meta = "Meta"
            case check = "Check"
        }
    }

    /// One instance in the health API's answer.
    struct Entry: Decodable {
        struct Node: Decodable {
            var address: String
            enum CodingKeys: String, CodingKey { case address = "Address" }
        }
        struct Service: Decodable {
            var address: String
            var port: Int
            enum CodingKeys: String, CodingKey {
                case address = "Address"
                case port = "Port"
            }
        }
        var node: Node
        var service: Service
        enum CodingKeys: String, CodingKey {
            case node = "Node"
            case service = "Service"
        }
    }

    /// One call to the agent within `timeout` (not retried: registration is refreshed anyway).
    private func send(_ method: String, _ path: String, body: [UInt8] = [], timeout: Duration) async throws
        -> OutgoingResponse
    {
        var headers: HTTPHeaders = ["Content-Type": "application/json"]
        if let token { headers.add("X-Consul-Token", token) }
        return try await client.send(
            OutgoingRequest(method: method, url: agent + path, headers: headers, body: body, idempotent: false),
            deadline: .now + timeout)
    }

    /// The instance ID of `service` at `address:port` (the same on every registration).
    static func instanceID(service: String, address: String, port: Int) -> String { "\(service)-\(address)-\(port)" }

    /// Registers `service` at `address:port` (again, when `refresh`: it replaces the same instance);
    /// returns its instance ID.
    @discardableResult
    func register(
        service: String, functions: [String], address: String, port: Int, refresh: Bool = false
    ) async throws -> String {
        let id = Self.instanceID(service: service, address: address, port: port)
        let registration = Registration(
            id: id, name: service, tags: functions.sorted(), address: address, port: port, meta: ["soko": "1"],
            check: .init(http: "http://\(address):\(port)/readyz"))
        let response = try await send(
            "PUT", "/v1/agent/service/register?replace-existing-checks=true", body: try JSONCoding.encode(registration),
            timeout: .seconds(5))
        guard response.status == 200 else {
            throw OutgoingError(.transport, "consul refused the registration of \(id): \(response.status)")
        }
        if refresh {
            logger.debug("registered with consul again", metadata: ["service_id": "\(id)"])
        } else {
            logger.info("registered with consul", metadata: ["service_id": "\(id)"])
        }
        return id
    }

    /// Registers every unit, logging the ones that fail (a later refresh tries again).
    func register(units: [(name: String, functions: [String])], address: String, port: Int, refresh: Bool) async {
        for unit in units {
            do {
                try await register(service: unit.name, functions: unit.functions, address: address, port: port, refresh: refresh)
            } catch {
                logger.log(
                    level: refresh ? .warning : .error, "consul registration failed; will retry",
                    metadata: ["service": "\(unit.name)", "error": "\(error)"])
            }
        }
    }

    func deregister(_ id: String) async {
        do {
            _ = try await send("PUT", "/v1/agent/service/deregister/\(id)", timeout: .seconds(3))
            logger.info("deregistered from consul", metadata: ["service_id": "\(id)"])
        } catch {
            logger.warning("consul deregistration failed", metadata: ["service_id": "\(id)", "error": "\(error)"])
        }
    }

    /// A base URL of a passing instance of `service`, or nil when there is none.
    func resolve(_ service: String) async -> String? {
        if let cached = cache.withLock({ $0[service] }), cached.expires > .now, !cached.urls.isEmpty {
            return cached.urls.randomElement()
        }
        guard
            let response = try? await send("GET", "/v1/health/service/\(service)?passing=true", timeout: .seconds(2)),
            response.status == 200, let entries = try? JSONCoding.decode([Entry].self, from: response.body)
        else { return nil }
        let urls = entries.map { entry in
            "http://\(entry.service.address.isEmpty ? entry.node.address : entry.service.address):\(entry.service.port)"
        }
        cache.withLock { $0[service] = (urls, .now + .seconds(5)) }
        return urls.randomElement()
    }

    /// The address this instance advertises: `SOKO_ADVERTISE_ADDRESS`, else the bound address unless
    /// it is a wildcard, else the host name's IPv4 address (a container's address on its network),
    /// else the host name.
    static func advertisedAddress(configured: String?, bound: String) -> String {
        if let configured { return configured }
        if !["0.0.0.0", "::", ""].contains(bound) { return bound }
        var name = [CChar](repeating: 0, count: 256)
        guard gethostname(&name, name.count) == 0 else { return "127.0.0.1" }
        let host = String(cString: name)
        // The host name's IPv4 address: what Consul's DNS can hand out as an A record.
        var hints = addrinfo()
        hints.ai_family = AF_INET
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &found) == 0, let first = found else { return host }
        defer { freeaddrinfo(found) }
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            if let address = current.pointee.ai_addr {
                var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
                let ip = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer -> String? in
                    var raw = pointer.pointee.sin_addr
                    return inet_ntop(AF_INET, &raw, &text, socklen_t(text.count)) != nil ? String(cString: text) : nil
                }
                if let ip, !ip.hasPrefix("127.") { return ip }
            }
            entry = current.pointee.ai_next
        }
        return host
    }
}
