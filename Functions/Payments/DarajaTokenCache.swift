import SokoFunctions

/// Daraja's OAuth access token, shared by every call of the process: fetched once, kept until a
/// minute before it expires, and fetched by one caller at a time (others wait for that fetch).
actor DarajaTokenCache {
    private var current: (token: String, refreshAt: ContinuousClock.Instant)?
    private var inFlight: Task<(String, Int), any Error>?
    /// Refresh this long before Daraja's `expires_in` runs out.
    static let margin = 60

    /// The cached token, or one from `fetch` (token, lifetime in seconds) when there is none or it
    /// is about to expire.
    func token(fetch: @escaping @Sendable () async throws -> (String, Int)) async throws -> String {
        if let current, ContinuousClock.now < current.refreshAt { return current.token }
        let task: Task<(String, Int), any Error>
        if let inFlight {
            task = inFlight
        } else {
            task = Task { try await fetch() }
            inFlight = task
        }
        do {
            let (token, lifetime) = try await task.value
            if inFlight == task {
                inFlight = nil
                current = (token, .now + .seconds(max(0, lifetime - Self.margin)))
            }
            return token
        } catch {
            if inFlight == task { inFlight = nil }
            throw error
        }
    }

    /// Forgets the token (Daraja said it is invalid).
    func invalidate(_ token: String) {
        if current?.token == token { current = nil }
    }
}
