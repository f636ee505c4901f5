import Glibc

/// Loopback ports for tests that start processes or servers on a port they must know beforehand,
/// or need a peer that never answers.
public enum LoopbackPort {
    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String { "no free loopback port" }
    }

    /// A port free on 127.0.0.1 now (bound, read, released). Another process may take it before
    /// the caller binds it; tests that can bind port 0 themselves should.
    public static func free() throws -> Int {
        let (fd, port) = try bind(listening: nil)
        close(fd)
        return port
    }

    /// A socket listening on 127.0.0.1 (the caller closes `fd`). Never accepted from, it is a peer
    /// that takes connections in the kernel's backlog and never answers: a hung gateway.
    public static func listener(backlog: Int32 = 128) throws -> (fd: Int32, port: Int) {
        try bind(listening: backlog)
    }

    private static func bind(listening backlog: Int32?) throws -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Unavailable() }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(fd, $0, length) == 0 && (backlog.map { listen(fd, $0) == 0 } ?? true)
                    && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw Unavailable()
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }
}
