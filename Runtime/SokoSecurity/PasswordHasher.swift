internal import CArgon2
import SokoWorkers

/// Argon2id password hashing with OWASP's parameters (19 MiB, 2 passes, 1 lane), stored as a
/// PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`) so parameters can change later.
///
/// Hashing takes tens of milliseconds by design, so it runs on a ``ComputePool``, never on an
/// event loop; the calling task resumes on its own loop afterwards.
public struct PasswordHasher: Sendable {
    public struct Parameters: Sendable, Equatable {
        public var memoryKiB: UInt32
        public var iterations: UInt32
        public var parallelism: UInt32

        /// OWASP Password Storage Cheat Sheet: m=19 MiB, t=2, p=1.
        public static let owasp = Parameters(memoryKiB: 19 * 1024, iterations: 2, parallelism: 1)

        public init(memoryKiB: UInt32, iterations: UInt32, parallelism: UInt32) {
            self.memoryKiB = memoryKiB
            self.iterations = iterations
            self.parallelism = parallelism
        }
    }

    public let parameters: Parameters
    private let pool: ComputePool

    public init(parameters: Parameters = .owasp, pool: ComputePool) {
        self.parameters = parameters
        self.pool = pool
    }

    /// A new salted hash of `password`, off the caller's thread.
    public func hash(_ password: String) async throws -> String {
        let parameters = self.parameters
        return try await pool.run { try Self.hashNow(password, parameters: parameters) }
    }

    /// Whether `password` matches `encoded` (Argon2's own constant-time comparison), off the
    /// caller's thread. A malformed `encoded` is simply no match.
    public func verify(_ password: String, against encoded: String) async throws -> Bool {
        try await pool.run { Self.verifyNow(password, against: encoded) }
    }

    // MARK: Blocking primitives

    static func hashNow(_ password: String, parameters: Parameters) throws -> String {
        var salt = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        for i in salt.indices { salt[i] = generator.next() }
        let hashLength = 32
        let encodedLength = argon2_encodedlen(
            parameters.iterations, parameters.memoryKiB, parameters.parallelism, UInt32(salt.count), UInt32(hashLength),
            Argon2_id)
        var encoded = [CChar](repeating: 0, count: encodedLength)
        let password = Array(password.utf8)
        let status = password.withUnsafeBytes { pwd in
            salt.withUnsafeBytes { saltBytes in
                argon2id_hash_encoded(
                    parameters.iterations, parameters.memoryKiB, parameters.parallelism, pwd.baseAddress, pwd.count,
                    saltBytes.baseAddress, saltBytes.count, hashLength, &encoded, encodedLength)
            }
        }
        guard status == ARGON2_OK.rawValue else {
            throw PasswordHashError(message: String(cString: argon2_error_message(status)))
        }
        return String(decoding: encoded.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func verifyNow(_ password: String, against encoded: String) -> Bool {
        let password = Array(password.utf8)
        return password.withUnsafeBytes { argon2id_verify(encoded, $0.baseAddress, $0.count) } == ARGON2_OK.rawValue
    }
}

/// Argon2 refused to hash (out of memory, parameters out of range).
public struct PasswordHashError: Error, Equatable {
    public let message: String
}
