/// Whether the host's own settings already say this process will call out, so libcurl (loaded
/// with dlopen by the first outgoing call, benchmarks/README.md) must be present: the host then
/// loads it while it assembles and refuses to start without it, instead of failing at the first
/// JWKS fetch, remote call, Consul registration, Loki push or mail.
extension HostSettings {
    var callsOut: Bool {
        jwksURL != nil || !services.urls.isEmpty || services.tokenURL != nil || consul != nil || lokiURL != nil
            || mail.smtp != nil
    }
}
