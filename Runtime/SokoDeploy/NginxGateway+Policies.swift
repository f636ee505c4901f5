import SokoManifest

/// The gateway's rules beyond routing: TLS and the HTTP redirect, HSTS, client addresses from a
/// proxy in front, the manifests' `gateway:` rate limits and allowlists, and the access log's
/// redaction of secret path segments.
extension NginxGateway {
    /// `$soko_log_path`: the path as logged, with the path parameters a manifest marks secret
    /// (`log: { redact: [token] }`, the M-Pesa callback's token) replaced by `[redacted]` — the
    /// host's access log does the same.
    func redactionMap() -> String {
        var out = "    map $uri $soko_log_path {\n        default $uri;\n"
        var seen: Set<String> = []
        for manifest in manifests {
            for function in manifest.functions where !function.redactedPathParameters.isEmpty {
                guard case .http(let routes) = function.trigger else { continue }
                for route in routes {
                    var pattern: [String] = []
                    var logged: [String] = []
                    var captures = 0
                    for segment in route.segments {
                        switch segment {
                        case .literal(let text):
                            pattern.append(Self.regexEscaped(text))
                            logged.append(text)
                        case .parameter(let name) where function.redactedPathParameters.contains(name):
                            pattern.append("[^/]+")
                            logged.append("[redacted]")
                        case .parameter:
                            captures += 1
                            pattern.append("([^/]+)")
                            logged.append("$\(captures)")
                        }
                    }
                    let line = "        \"~^/\(pattern.joined(separator: "/"))$\" \"/\(logged.joined(separator: "/"))\";\n"
                    if seen.insert(line).inserted { out += line }
                }
            }
        }
        return out + "    }\n"
    }

    /// Client addresses from the proxies in front (`realIPFrom`).
    func realIP() -> String {
        guard !options.realIPFrom.isEmpty else { return "" }
        var out = "    # The proxy in front (the Ingress controller) names the client in X-Forwarded-For.\n"
        for network in options.realIPFrom { out += "    set_real_ip_from \(network);\n" }
        return out + "    real_ip_header X-Forwarded-For;\n    real_ip_recursive on;\n\n"
    }

    func hstsLine(_ indent: String) -> String {
        production ? "\(indent)add_header Strict-Transport-Security \"\(Self.hsts)\" always;" : ""
    }

    func tlsSettings() -> String {
        guard let tls = options.tls else { return "" }
        return """
                    ssl_certificate \(tls.certificate);
                    ssl_certificate_key \(tls.key);
                    ssl_protocols TLSv1.2 TLSv1.3;
                    ssl_prefer_server_ciphers off;
                    ssl_session_cache shared:soko_tls:10m;
                    ssl_session_timeout 1d;
            """
    }

    /// With TLS here, the plain listener only redirects (308 keeps the method and body of a POST),
    /// except the gateway's own health path, which load balancers probe over HTTP.
    func redirectServer() -> String {
        guard let tls = options.tls else { return "" }
        let port = tls.publicPort == 443 ? "" : ":\(tls.publicPort)"
        return """
                server {
                    listen \(options.listen);
                    location = /healthz {
                        access_log off;
                        default_type application/json;
                        return 200 '{"status":"ok"}';
                    }
                    location / {
                        return 308 https://$host\(port)$request_uri;
                    }
                }


            """
    }

    /// One `limit_req_zone` per distinct rate the manifests' `gateway: { rateLimit: … }` name.
    func rateZones(_ locations: [Location]) -> String {
        var rates: [GatewayRateLimit] = []
        for rate in locations.compactMap(\.rateLimit)
        where !rates.contains(where: { $0.requests == rate.requests && $0.per == rate.per }) {
            rates.append(rate)
        }
        guard !rates.isEmpty else { return "" }
        var out = "    # The manifests' gateway rate limits, per client address (then 429).\n"
        for rate in rates {
            out +=
                "    limit_req_zone $binary_remote_addr zone=\(Self.zone(rate)):10m rate=\(rate.requests)r/\(rate.per.rawValue);\n"
        }
        return out + "\n"
    }

    static func zone(_ rate: GatewayRateLimit) -> String { "soko_rate_\(rate.requests)r\(rate.per.rawValue)" }

    /// The distinct allowlists of the routes, in order (each a `geo` variable `$soko_allowed_<n>`).
    func distinctAllowlists(_ locations: [Location]) -> [[String]] {
        var lists: [[String]] = []
        for list in locations.map(\.allow) where !list.isEmpty && !lists.contains(list) { lists.append(list) }
        return lists
    }

    func allowlists(_ locations: [Location]) -> String {
        var out = ""
        for (index, list) in distinctAllowlists(locations).enumerated() {
            let names = locations.filter { $0.allow == list }.flatMap(\.functions).joined(separator: ", ")
            out += "    # Who may call \(names) (the manifest's gateway: { allow: … }).\n"
            out += "    geo $soko_allowed_\(index) {\n        default 0;\n"
            for address in list { out += "        \(address) 1;\n" }
            out += "    }\n\n"
        }
        return out
    }

    /// Who may call `function`'s routes: the manifest's list, unless the options override it.
    func allow(_ function: FunctionManifest) -> [String] {
        guard !function.gateway.allow.isEmpty else { return [] }
        return options.allowlistOverride ?? function.gateway.allow
    }
}
