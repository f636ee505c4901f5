import Logging
import SokoFunctions
import SokoHTTP
import SokoManifest
import SokoOutbound
import SokoSecurity
import Synchronization

/// The function host: manifests and bundles in, a running HTTP server out.
///
/// ```swift
/// let host = try FunctionHost(manifests: try ManifestLoader.load(directory: dir),
///                             bundles: [ExamplesBundle.self], configuration: configuration)
/// try await host.run()   // until SIGTERM/SIGINT, then a graceful drain
/// ```
public final class FunctionHost: Sendable {
    public let configuration: HostConfiguration
    /// The host's settings beyond sockets and threads, read from the environment once, here.
    public let settings: HostSettings
    /// The functions this process serves, after `--service`/`--function` selection.
    public let functions: [FunctionRuntime]
    public let router: Router
    /// Threads for blocking computation, handed to bundles.
    public let compute: ComputePool
    /// Each selected service's migrations (services whose bundles keep data).
    public let migrations: [String: [Migration]]
    /// Every manifest this process knows (callees and consumers may run in other processes).
    let manifests: [ServiceManifest]
    /// Who consumes which event, from every manifest.
    let consumers: EventConsumers
    /// Each function's `rateLimit:` counter, by function index.
    let rateLimiters: [RateLimiter?]
    /// The deployment units this process registers as, with their functions: one per service
    /// and one per function deployed on its own; a `--function` process is that function's unit.
    let units: [(name: String, functions: [String])]
    /// The settings the served bundles reported, by service (secrets masked), for `soko check-config`.
    public let settingsReport: [(service: String, setting: ReportedSetting)]
    let readiness = Readiness()
    /// What the host runs with once started: the pipeline (and its services) and the relays.
    private let live = Mutex<(pipeline: InvocationPipeline, relays: [EventRelay])?>(nil)
    private let logger = Logger(label: "soko.host")

    /// Validates the manifests against the bundles' handlers and builds the route table.
    /// Throws ``ManifestError`` (naming file and key) or ``HostSetupError``.
    public init(
        manifests: [ServiceManifest], bundles: [any FunctionBundle.Type],
        configuration: HostConfiguration
    ) throws {
        var configuration = configuration
        configuration.environment = try SecretFiles.resolve(
            configuration.environment, names: SecretFiles.hostSecrets + manifests.flatMap(\.secrets))
        // Bundles read the mode from the environment they register with (``FunctionRegistry/mode``).
        configuration.environment[RunMode.variable] = configuration.mode.rawValue
        self.configuration = configuration
        do {
            settings = try HostSettings(environment: configuration.environment)
        } catch {
            throw HostSetupError("\(error)")
        }
        try ProductionChecks.host(configuration, settings: settings)
        compute = ComputePool(threads: configuration.computeThreads)
        // Services a manifest keeps to other environments (the sandbox, in production) do not exist here.
        let manifests = try ProductionChecks.servable(manifests, configuration: configuration)
        let selected = try FunctionSelection.select(
            from: manifests, service: configuration.service,
            function: configuration.function, unit: configuration.unit)
        try ProductionChecks.serviceClient(
            selected: selected.count, servable: manifests, configuration: configuration, settings: settings)
        // Only the served bundles register (and so load their code and read their settings): a
        // `--service examples` process never touches the shop's other bundles, ~1.4 MiB of idle RSS
        // (benchmarks/README.md). The other manifests' handler names are checked by
        // `soko routes --check`, which registers every bundle.
        let served = Set(selected.map(\.0.service))
        let serving = bundles.filter { served.contains($0.service) }
        var registries: [String: FunctionRegistry] = [:]
        for bundle in serving {
            let registry = bundle.registry(environment: configuration.environment, compute: compute)
            if let name = registry.duplicates.first {
                throw HostSetupError("the \"\(registry.service)\" bundle registers \"\(name)\" twice")
            }
            registries[registry.service] = registry
        }
        let servedMigrations = Dictionary(serving.map { ($0.service, $0.migrations) }, uniquingKeysWith: { first, _ in first })
        // Only the bundles this process serves must be able to start (a users pod needs no payment
        // keys); a bundle that refused registered nothing, so its manifest is not checked against it.
        for service in served.sorted() {
            if let reason = registries[service]?.refusals.first {
                throw HostSetupError("the \"\(service)\" bundle cannot start: \(reason)")
            }
        }
        try ManifestValidator.validate(
            manifests.filter { registries[$0.service]?.refusals.isEmpty ?? true },
            handlers: registries.mapValues { Set($0.handlers.keys) },
            unregistered: Set(bundles.map { $0.service }).subtracting(served))
        settingsReport = Set(selected.map(\.0.service)).sorted().flatMap { service in
            (registries[service]?.settings ?? []).map { (service, $0) }
        }
        for (manifest, function) in selected {
            if case .http(let routes) = function.trigger,
                let route = routes.first(where: { BuiltinEndpoint.match(Substring($0.path)) != nil })
            {
                throw ManifestError(
                    file: manifest.file, key: "functions.\(function.name).http",
                    message: "\(route.path) is reserved for the host's own endpoint")
            }
        }
        var units: [(name: String, functions: [String])] = []
        for (manifest, function) in selected {
            let unit =
                configuration.function != nil
                ? DeploymentUnit.name(service: manifest.service, function: function.name) : manifest.unitName(of: function)
            if let index = units.firstIndex(where: { $0.name == unit }) {
                units[index].functions.append(function.name)
            } else {
                units.append((unit, [function.name]))
            }
        }
        self.units = units
        var functions = selected.enumerated().map { index, entry in
            FunctionRuntime(
                service: entry.0.service, manifest: entry.1,
                handler: registries[entry.0.service]!.handlers[entry.1.name]!, index: index)
        }
        let services = Set(functions.map(\.service))
        migrations = servedMigrations.filter { services.contains($0.key) }
        // The host's own dead-letter functions, for each store this process opens.
        for service in migrations.filter({ !$0.value.isEmpty }).keys.sorted() {
            for manifest in DeadLetterFunctions.manifests(service: service) {
                functions.append(
                    FunctionRuntime(
                        service: service, manifest: manifest, handler: DeadLetterFunctions.handler(manifest.name),
                        index: functions.count))
            }
        }
        self.functions = functions
        router = Router(functions: functions)
        rateLimiters = try RateLimiter.limiters(
            for: functions, migrations: servedMigrations, enabled: settings.rateLimits, clock: configuration.wallClock)
        self.manifests = manifests
        consumers = EventConsumers(manifests: manifests)
    }

    /// Opens and migrates the stores of the services this process serves (`soko migrate` alone,
    /// or the first step of serving).
    public func openStores() async throws -> ServiceStores {
        try await ServiceStores.open(
            migrations: migrations, services: Set(migrations.keys), configuration: configuration.store)
    }

    /// The open stores of the services this process serves (empty before it starts).
    public var stores: ServiceStores { live.withLock { $0?.pipeline.services.stores } ?? .none }

    /// Whether `/readyz` answers 200.
    public var isReady: Bool { readiness.isReady }

    /// Serves until SIGTERM or SIGINT, then drains: `/readyz` turns 503, listening stops, idle
    /// connections close, in-flight requests finish (up to the drain timeout), loops close.
    /// `onListening` gets the bound port once requests and signals are being taken.
    /// Returns whether every loop closed with no handle left open (a drain cut short by its
    /// deadline still counts as an orderly stop).
    @discardableResult
    public func run(onListening: @escaping @Sendable (Int) -> Void = { _ in }) async throws -> Bool {
        ProcessSetup.prepareForServing(loops: configuration.loops)
        let group = EventLoopGroup(loopCount: configuration.loops)
        group.start()
        // Signals are watched before the socket opens, so a SIGTERM at any point drains.
        let signals = AsyncStream<Int32>.makeStream()
        let loop = group.loops[0]
        let watcher = await withCheckedContinuation { (continuation: CheckedContinuation<SignalWatcher, Never>) in
            loop.execute {
                continuation.resume(returning: SignalWatcher(loop: loop) { signals.continuation.yield($0) })
            }
        }
        let running: RunningHost
        do {
            running = try await start(on: group, onStop: { watcher.close() })
        } catch {
            loop.execute { watcher.close() }
            group.shutdown()
            throw error
        }
        onListening(running.port)
        var received = signals.stream.makeAsyncIterator()
        let signal = await received.next() ?? 0
        logger.info("draining", metadata: ["signal": "\(signal)"])
        // A drain cut short by its deadline still ends in an orderly exit; only a loop that could
        // not close (a leaked handle, a bug) makes the run fail.
        return await running.shutdown(drainTimeout: configuration.drainTimeout).closedCleanly
    }

    /// Starts serving on an already started group (tests and embedding); stop with
    /// ``RunningHost/stop(drainTimeout:)``.
    public func start(on group: EventLoopGroup) async throws -> RunningHost {
        try await start(on: group, onStop: nil)
    }

    /// Starts serving; `onStop` runs on loop 0 just before the loops close.
    func start(on group: EventLoopGroup, onStop: (@Sendable () -> Void)?) async throws -> RunningHost {
        let pipeline = try await assemble(on: group)
        let services = pipeline.services
        let handler = HostRequestHandler(
            router: router, pipeline: pipeline, readiness: readiness, trustedProxies: configuration.trustedProxies)
        let server = HTTPServer(group: group, configuration: configuration.server, handler: handler)
        try await server.start()
        let scheduler = Scheduler(pipeline: pipeline, loop: group.loops[0])
        group.loops[0].execute { scheduler.start() }
        startRelays(pipeline, on: group.loops[0])
        services.loki?.start()
        var registered: [String] = []
        var consulKeeper: Task<Void, Never>?
        if let consul = services.remote.consul {
            let address = Consul.advertisedAddress(configured: settings.advertiseAddress, bound: configuration.server.host)
            let port = server.port
            // Deregistered at drain whether or not this first attempt succeeds (a later one may).
            registered = units.map { Consul.instanceID(service: $0.name, address: address, port: port) }
            await consul.register(units: units, address: address, port: port, refresh: false)
            // Registering again and again heals a failed first attempt and a Consul that restarted
            // (a dev agent forgets everything) or reaped the instance.
            let units = self.units
            let refresh = configuration.consulRefresh
            consulKeeper = Task.detached {
                while !Task.isCancelled {
                    try? await Task.sleep(for: refresh)
                    guard !Task.isCancelled else { return }
                    await consul.register(units: units, address: address, port: port, refresh: true)
                }
            }
        }
        readiness.set(true)
        logger.info(
            "listening",
            metadata: [
                "host": "\(configuration.server.host)", "port": "\(server.port)", "loops": "\(group.loops.count)",
                "functions": "\(functions.map(\.name).joined(separator: ","))",
            ])
        return RunningHost(
            host: self, pipeline: pipeline, server: server, group: group, scheduler: scheduler, consulIDs: registered,
            consulKeeper: consulKeeper, onStop: onStop)
    }

    /// The assembly step, once the loops run: opens the stores, starts the outgoing client on the
    /// loops, and builds the immutable services and the pipeline every trigger goes through.
    func assemble(on group: EventLoopGroup) async throws -> InvocationPipeline {
        let stores = try await openStores()
        // curl and OpenSSL are loaded and set up by the first outgoing call: most units never make
        // one. A host configured to call out loads them now, so a missing libcurl stops the start.
        if settings.callsOut {
            do { try OutboundClient.loadLibraries() } catch {
                throw HostSetupError("this host is configured to call out, but \(error)")
            }
        }
        let outbound = await OutboundClient.start(
            loops: group.loops, mail: settings.mail, compute: compute, prepare: .onFirstCall)
        let consul = settings.consul.map { Consul(settings: $0, client: outbound) }
        let loki = settings.lokiURL.map { LokiShipper(base: $0, client: outbound) }
        let identity = IdentityEndpoints.find(in: manifests)
        let jwksURL = settings.jwksURL
        let authenticator = Authenticator(
            issuer: settings.tokenIssuer, audience: settings.tokenAudience, keysMaxAge: configuration.jwksRefresh,
            keysVia: { pipeline in
                // The identity provider (the manifest with `identity:`) publishes its keys through its
                // JWKS function: called through the pipeline when co-located, else fetched from
                // SOKO_JWKS_URL on the loops.
                if let identity, let pipeline,
                    let response = try await pipeline.callInProcess(
                        service: identity.service, function: identity.jwks.function, method: identity.jwks.method,
                        path: identity.jwks.path)
                {
                    return try JSONCoding.decode(JWKS.self, from: response.body)
                }
                guard let url = jwksURL else { throw KeySourceError.notCoLocated }
                let response = try await outbound.send(OutgoingRequest(url: url), deadline: .now + .seconds(2))
                guard response.status == 200 else { throw KeySourceError.fetch(url: url, status: response.status) }
                return try JSONCoding.decode(JWKS.self, from: response.body)
            })
        let services = HostServices(
            functions: functions, stores: stores, functionStores: functions.map { stores.store(for: $0.service) },
            outbound: outbound, authenticator: authenticator, rateLimiters: rateLimiters,
            remote: RemoteInvoker(manifests: manifests, directory: settings.services, outbound: outbound, consul: consul),
            loki: loki,
            states: await LoopState.attach(to: group, functionCount: functions.count, loki: loki),
            sink: configuration.accessLog, clock: configuration.clock)
        let pipeline = InvocationPipeline(services: services)
        live.withLock { $0 = (pipeline, []) }
        return pipeline
    }

    /// Starts an event relay for each store this process opened (each service's outbox).
    @discardableResult
    func startRelays(_ pipeline: InvocationPipeline, on loop: EventLoop) -> [EventRelay] {
        let relays = pipeline.services.stores.all.map {
            EventRelay(
                service: $0.service, store: $0.store, consumers: consumers, pipeline: pipeline, settings: settings.relay,
                loop: loop)
        }
        loop.execute { for relay in relays { relay.start() } }
        live.withLock { $0?.relays = relays }
        return relays
    }

    /// Stops what ``assemble(on:)`` started, after the drain: the relays, the Loki shipper, the
    /// outgoing client, the loops' handles and the loops, the stores, the compute threads.
    /// Returns whether every loop closed with no handle left open.
    func close(_ pipeline: InvocationPipeline, group: EventLoopGroup, beforeLoopsClose: () async -> Void = {}) async -> Bool {
        let relays = live.withLock { $0?.relays ?? [] }
        // Events the drained requests committed are relayed by whichever replica runs next.
        for relay in relays { await relay.stop() }
        await pipeline.services.loki?.stop()
        await pipeline.services.outbound.shutdown()
        await LoopState.detach(pipeline.services.states)
        await beforeLoopsClose()
        let clean = group.shutdown()
        await pipeline.services.stores.close()
        compute.shutdown()
        return clean
    }

    /// A context like the one `service.function`'s handler gets outside an HTTP request (a
    /// schedule's): its store, the host's invoker, no caller. Nil when the function is not loaded.
    /// For operators' commands and tests that call a bundle's Swift API directly; before the host
    /// starts, it has no store and no invoker.
    public func context(service: String, function: String) -> FunctionContext? {
        guard let runtime = functions.first(where: { $0.service == service && $0.name == function }) else { return nil }
        var generator = RequestIDGenerator()
        let call = Invocation(
            function: runtime, trigger: .host, request: FunctionRequest(method: "CALL", path: "/"),
            requestID: generator.next(), deadline: .now + runtime.manifest.timeout)
        let pipeline = live.withLock { $0?.pipeline }
        return InvocationPipeline.context(
            for: call, identity: nil, deadline: call.deadline,
            store: pipeline?.services.functionStores[runtime.index] ?? NoStore(), invoker: pipeline,
            outbound: pipeline?.services.outbound, clock: configuration.clock)
    }

    /// Wakes the event relays now (after an operator revived dead letters, for instance); they
    /// otherwise look for work at every poll.
    public func nudgeRelays() {
        for relay in live.withLock({ $0?.relays ?? [] }) { relay.nudge() }
    }

    /// The route table: method, path, function, service, auth.
    public var routes: [(method: String, path: String, function: String, service: String, auth: String)] {
        router.table.map { ($0.method, $0.path, $0.function.name, $0.function.service, $0.function.policy.rawValue) }
    }
}

/// A reason the host cannot start that is not a manifest's fault.
public struct HostSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
