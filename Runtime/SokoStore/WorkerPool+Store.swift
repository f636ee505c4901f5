import SokoWorkers

extension WorkerPool {
    /// Runs a store call on a worker, reporting the pool's own failures as store errors.
    func call<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        do {
            return try await run(body)
        } catch WorkerPoolError.closed {
            throw StoreError.closed
        } catch WorkerPoolError.noConnection {
            throw StoreError.connection("no database connection (it could not be opened again)")
        }
    }
}
