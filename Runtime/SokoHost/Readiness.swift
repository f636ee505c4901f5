import Synchronization

/// Whether `/readyz` answers 200: set once the host serves, cleared when it starts draining.
final class Readiness: Sendable {
    private let flag = Atomic<Bool>(false)

    var isReady: Bool { flag.load(ordering: .acquiring) }

    func set(_ ready: Bool) { flag.store(ready, ordering: .releasing) }
}
