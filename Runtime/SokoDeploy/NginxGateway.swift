import SokoManifest

/// The nginx API gateway's configuration, generated from the function manifests (`soko render
/// nginx` writes it to `gateway/nginx.conf`): every public route proxied to its deployment unit —
/// its service, or the function's own pods when the manifest says `deploy: function` — over
/// keep-alive upstreams, nothing else. Where functions of different units share a path (GET
/// `/products/{id}` on its own, PATCH and DELETE with the service), the method picks the upstream.
///
/// - Routes: each `http:` route of a function whose policy is not `service` (internal routes, the
///   host's `/healthz`, `/readyz`, `/metrics`, event delivery and the payment sandbox are never
///   exposed: anything unrouted is a 404 problem). Literal paths are exact locations; paths with
///   `{params}` are anchored regular expressions, one segment per parameter.
/// - Per route: `client_max_body_size` from the manifest's `bodyLimit`, proxy timeouts a few seconds
///   longer than the function's `timeout` (handler < host < nginx < client), `limit_req` (429) on
///   sign-in, token and registration, and on the M-Pesa callback a source-address allowlist.
/// - Everywhere: `proxy_http_version 1.1` with `Connection ""` (upstream keep-alive), `X-Request-ID`
///   kept when sane or set to `$request_id`, echoed to the client and logged, one JSON access-log
///   line per request (`escape=json`), `server_tokens off`.
public struct NginxGateway: Sendable {
    public struct Options: Sendable {
        /// `listen` of the server block.
        public var listen: String
        /// Upstream address per deployment unit (default `<unit>:8080`, the compose service names); a
        /// function's unit not named takes its service's address (one process per service), and the
        /// key `*` gives the address of every unit not named (one process serving them all).
        public var upstreams: [String: String]
        /// Replaces every manifest's `gateway: { allow: […] }`: nil keeps the manifests' lists, an
        /// empty list turns them off (the sandbox calls back from anywhere).
        public var allowlistOverride: [String]?
        /// Where nginx writes its pid (a path the gateway's user can write).
        public var pidFile: String
        /// `worker_processes`: `auto` (one per core) unless the gateway's CPU is capped (Kubernetes).
        public var workerProcesses: String
        /// Consul's DNS (`host:port`): instead of fixed upstreams, every request resolves
        /// `<unit>.service.consul` (passing instances only), re-resolved every 5 s — instances
        /// that register or leave are followed without a reload (compose's gateway).
        public var consulDNS: String?
        /// `production` (the default) routes only services a production host serves — no
        /// examples, no sandbox — and sends HSTS; `development` routes every service.
        public var environment: String
        /// Terminate TLS here: an `ssl` listener with the certificate and key, and the plain
        /// ``listen`` redirecting to it (308) except the gateway's own `/healthz`.
        public var tls: TLS?
        /// Proxies in front (an Ingress controller, a load balancer) whose `X-Forwarded-For` names
        /// the client: addresses or CIDR networks. The allowlist and the rate limits then see the
        /// client, not the proxy.
        public var realIPFrom: [String]

        public init(
            listen: String = "8080", upstreams: [String: String] = [:],
            allowlistOverride: [String]? = nil,
            pidFile: String = "/tmp/soko-gateway.pid", consulDNS: String? = nil, workerProcesses: String = "auto",
            environment: String = "production", tls: TLS? = nil, realIPFrom: [String] = []
        ) {
            self.listen = listen
            self.upstreams = upstreams
            self.allowlistOverride = allowlistOverride
            self.pidFile = pidFile
            self.consulDNS = consulDNS
            self.workerProcesses = workerProcesses
            self.environment = environment
            self.tls = tls
            self.realIPFrom = realIPFrom
        }
    }

    /// Where the gateway terminates TLS.
    public struct TLS: Sendable, Equatable {
        /// `listen` of the TLS server (e.g. `8443`).
        public var listen: String
        /// PEM certificate chain and private key, as paths nginx reads.
        public var certificate: String
        public var key: String
        /// The HTTPS port clients use, for the redirect (443: none in the URL).
        public var publicPort: Int

        public init(listen: String = "8443", certificate: String, key: String, publicPort: Int = 443) {
            self.listen = listen
            self.certificate = certificate
            self.key = key
            self.publicPort = publicPort
        }
    }

    /// `Strict-Transport-Security` of a production gateway (browsers ignore it over plain HTTP, so
    /// it is sent whether TLS ends here or at a proxy in front).
    public static let hsts = "max-age=31536000; includeSubDomains"

    let manifests: [ServiceManifest]
    let options: Options

    public init(manifests: [ServiceManifest], options: Options = Options()) {
        self.manifests = manifests.filter { $0.isServed(in: options.environment) }
        self.options = options
    }

    var production: Bool { options.environment == "production" }

    /// Why the manifests cannot be served behind one gateway (one path claimed by two services).
    public struct Conflict: Error, CustomStringConvertible {
        public let description: String
    }

    /// The configuration text.
    public func render() throws -> String {
        let locations = try self.locations()
        let units = Set(locations.flatMap { $0.units.map(\.unit) }).sorted()
        var out = """
            # Generated by `soko render nginx` from manifests/functions — do not edit; edit the manifests and
            # render again (CI fails when this file is stale).
            worker_processes \(options.workerProcesses);
            pid \(options.pidFile);
            error_log stderr warn;

            events {
                worker_connections 4096;
            }

            http {
                server_tokens off;
                default_type application/json;
                client_body_temp_path /tmp/soko-gateway-body;
                proxy_temp_path /tmp/soko-gateway-proxy;
                fastcgi_temp_path /tmp/soko-gateway-fastcgi;
                uwsgi_temp_path /tmp/soko-gateway-uwsgi;
                scgi_temp_path /tmp/soko-gateway-scgi;

                # The caller's X-Request-ID when it is sane, else nginx's own (32 hex digits).
                map $http_x_request_id $soko_request_id {
                    default $request_id;
                    "~^[A-Za-z0-9._:+/=@-]{1,128}$" $http_x_request_id;
                }

                # Secrets in paths (a callback's token) never reach the log.
            \(redactionMap())
                log_format soko_json escape=json '{"ts":"$time_iso8601","level":"info","service":"gateway",'
                    '"request_id":"$soko_request_id","method":"$request_method","path":"$soko_log_path","status":$status,'
                    '"bytes":$body_bytes_sent,"duration_s":$request_time,"upstream":"$upstream_addr",'
                    '"upstream_s":"$upstream_response_time","client":"$remote_addr"}';
                access_log /dev/stdout soko_json;

                limit_req_status 429;


            """
        out += realIP()
        out += rateZones(locations)
        out += allowlists(locations)
        if let dns = options.consulDNS {
            out += "    # Services are found through Consul's DNS at request time (passing instances only).\n"
            out += "    resolver \(dns) valid=5s ipv6=off;\n\n"
        }
        for unit in units where options.consulDNS == nil {
            out += """
                    upstream \(Self.upstream(unit)) {
                        server \(upstreamAddress(unit));
                        keepalive 32;
                    }

                """
        }
        for location in locations where location.isMixed { out += methodMap(location) }
        out += redirectServer()
        out += """
                server {
                    listen \(options.tls.map { "\($0.listen) ssl" } ?? options.listen);
                    client_max_body_size 16k;
            \(tlsSettings())

                    proxy_http_version 1.1;
                    proxy_set_header Connection "";
                    proxy_set_header Host $host;
                    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                    proxy_set_header X-Forwarded-Proto $scheme;
                    proxy_set_header X-Request-ID $soko_request_id;
                    add_header X-Request-ID $soko_request_id always;
            \(hstsLine("        "))
                    proxy_hide_header X-Request-ID;  # the host echoes it too: one header, the gateway's
                    proxy_connect_timeout 5s;

                    # The gateway's own health (the hosts' /healthz, /readyz and /metrics stay private).
                    location = /healthz {
                        access_log off;
                        return 200 '{"status":"ok"}';
                    }

                    # Anything not routed below — the hosts' /healthz, /readyz, /metrics, internal and
                    # event routes, the development-only /_… routes — does not exist here.
                    location / {
                        default_type application/problem+json;
                        return 404 '{"type":"urn:soko:problem:not-found","title":"Not Found","status":404,"code":"not-found","detail":"no such route"}';
                    }


            """
        out += errorPages()
        let allowlists = distinctAllowlists(locations)
        for location in locations { out += block(location, allowlists: allowlists) }
        out += """
                }
            }

            """
        return out
    }

    /// nginx's own refusals — allowlist, method, body size, rate limit, upstream down or slow —
    /// as problem+json like the functions' (a function's own error responses pass through).
    static let errorPages: [(status: Int, title: String, code: String, detail: String)] = [
        (403, "Forbidden", "forbidden", "this address may not call this route"),
        (405, "Method Not Allowed", "method-not-allowed", "the method is not allowed here"),
        (413, "Content Too Large", "body-too-large", "the request body is larger than this route takes"),
        (429, "Too Many Requests", "too-many-attempts", "too many attempts from this address; try again later"),
        (502, "Bad Gateway", "upstream-unavailable", "the service behind this route did not answer"),
        (504, "Gateway Timeout", "upstream-timeout", "the service behind this route took too long"),
    ]

    /// The problem+json body of one of ``errorPages``.
    static func problem(_ status: Int) -> String {
        let page = errorPages.first { $0.status == status }!
        return
            #"{"type":"urn:soko:problem:\#(page.code)","title":"\#(page.title)","status":\#(page.status),"code":"\#(page.code)","detail":"\#(page.detail)"}"#
    }

    private func errorPages() -> String {
        // The body sits in single quotes: no page may contain one.
        precondition(Self.errorPages.allSatisfy { !$0.detail.contains("'") && !$0.title.contains("'") })
        var out = "        # nginx's own refusals, as problem+json like the functions'.\n"
        for page in Self.errorPages {
            out += "        error_page \(page.status) @soko_\(page.status);\n"
        }
        out += "\n"
        for page in Self.errorPages {
            out += "        location @soko_\(page.status) {\n"
            out += "            default_type application/problem+json;\n"
            out += "            add_header X-Request-ID $soko_request_id always;\n"
            if production { out += "            add_header Strict-Transport-Security \"\(Self.hsts)\" always;\n" }
            if page.status == 429 { out += "            add_header Retry-After 10 always;\n" }
            out += "            return \(page.status) '\(Self.problem(page.status))';\n"
            out += "        }\n\n"
        }
        return out
    }

    private func block(_ location: Location, allowlists: [[String]]) -> String {
        let matcher: String
        if location.segments.contains(where: { if case .parameter = $0 { true } else { false } }) {
            let pattern = location.segments.map { segment -> String in
                switch segment {
                case .literal(let text): Self.regexEscaped(text)
                case .parameter: "[^/]+"
                }
            }.joined(separator: "/")
            matcher = "~ ^/\(pattern)$"
        } else {
            matcher = "= \(location.path)"
        }
        var lines = [
            "        # \(location.functions.joined(separator: ", "))",
            "        location \(matcher) {",
            "            client_max_body_size \(Self.size(location.bodyLimit));",
            "            proxy_read_timeout \(location.timeoutSeconds + 5)s;",
            "            proxy_send_timeout \(location.timeoutSeconds + 5)s;",
        ]
        if let rate = location.rateLimit {
            lines.append("            limit_req zone=\(Self.zone(rate)) burst=\(rate.burst) nodelay;")
        }
        if !location.allow.isEmpty, let index = allowlists.firstIndex(of: location.allow) {
            lines.append("            if ($soko_allowed_\(index) = 0) { return 403; }")
        }
        if location.redacts {
            // nginx's error lines quote the request line, secret and all: only critical ones here
            // (the access log still records each refusal or upstream failure, redacted).
            lines.append("            error_log stderr crit;")
        }
        if location.isMixed {
            // A method no function takes: 405 with every method the path has (no unit knows them all).
            var allowed = location.units.map(\.method)
            if allowed.contains("GET"), !allowed.contains("HEAD") {
                allowed.insert("HEAD", at: allowed.firstIndex(of: "GET")! + 1)
            }
            lines +=
                [
                    "            default_type application/problem+json;",
                    "            if ($\(Self.methodMap(location)) = \"\") {",
                    "                add_header Allow \"\(allowed.joined(separator: ", "))\" always;",
                    "                add_header X-Request-ID $soko_request_id always;",
                ] + (production ? ["                add_header Strict-Transport-Security \"\(Self.hsts)\" always;"] : []) + [
                    "                return 405 '\(Self.problem(405))';",
                    "            }",
                    "            proxy_pass http://$\(Self.methodMap(location))\(options.consulDNS == nil ? "" : ":8080");",
                ]
        } else if options.consulDNS != nil {
            lines.append("            set $soko_upstream \(target(location.units[0].unit));")
            lines.append("            proxy_pass http://$soko_upstream:8080;")
        } else {
            lines.append("            proxy_pass http://\(target(location.units[0].unit));")
        }
        lines.append("        }")
        return lines.joined(separator: "\n") + "\n\n"
    }

    /// Where the functions sharing a path run in different units, the method picks the upstream; a
    /// method no function takes maps to nothing, and the location answers 405 itself.
    private func methodMap(_ location: Location) -> String {
        var out = "    # \(location.path): \(location.functions.joined(separator: ", "))\n"
        out += "    map $request_method $\(Self.methodMap(location)) {\n"
        out += "        default \"\";\n"  // no function takes the method: the location answers 405
        for unit in location.distinctUnits {
            let methods = location.units.filter { $0.unit == unit }.map { $0.method == "GET" ? "GET|HEAD" : $0.method }
            out += "        \"~^(\(methods.joined(separator: "|")))$\" \(target(unit));\n"
        }
        return out + "    }\n\n"
    }

    /// A unit's address: its own, else its service's (a process per service serves all of it), else
    /// `*`'s, else `<unit>:8080`.
    private func upstreamAddress(_ unit: String) -> String {
        if let address = options.upstreams[unit] { return address }
        let service = manifests.first { manifest in manifest.units.contains { $0.name == unit } }?.service
        if let service, let address = options.upstreams[service] { return address }
        return options.upstreams["*"] ?? "\(unit):8080"
    }

    /// The upstream block of a unit, or its name in Consul's DNS.
    private func target(_ unit: String) -> String {
        options.consulDNS == nil ? Self.upstream(unit) : "\(unit).service.consul"
    }

    /// The variable a mixed location's method map sets, named after the path.
    static func methodMap(_ location: Location) -> String {
        "soko_upstream"
            + location.segments.map { segment -> String in
                switch segment {
                case .literal(let text): "_" + text.map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
                case .parameter: "_p"
                }
            }.joined()
    }

    /// The upstream block of a deployment unit.
    static func upstream(_ unit: String) -> String { "soko_" + unit.replacingOccurrences(of: "-", with: "_") }

    /// nginx size syntax, rounded up to whole KiB.
    static func size(_ bytes: Int) -> String {
        bytes % (1 << 20) == 0 ? "\(bytes >> 20)m" : "\((bytes + 1023) / 1024)k"
    }

    static func regexEscaped(_ text: String) -> String {
        var out = ""
        for character in text {
            if ".^$*+?()[]{}|\\".contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }
}
