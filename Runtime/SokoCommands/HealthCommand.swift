import ArgumentParser
import SokoOutbound

/// `soko health`: the container's HEALTHCHECK — exit 0 when this host's `/healthz` answers 200.
struct Health: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check that the local host answers GET /healthz (exit 0), else exit 1.")

    @Option(help: "The URL to check (default http://127.0.0.1:$SOKO_PORT/healthz, port 8080).")
    var url: String?

    func run() async throws {
        let port = Environment.variables["SOKO_PORT"] ?? "8080"
        let target = url ?? "http://127.0.0.1:\(port)/healthz"
        let client = await StandaloneClient.start()
        var status = 0
        var why = ""  // why there was no answer: refused, timed out, libcurl missing
        do { status = try await client.get(target, timeout: .seconds(2)).status } catch { why = " (\(error))" }
        await client.shutdown()
        guard status == 200 else {
            StandardError.write("\(target) answered \(status == 0 ? "nothing" : String(status))\(why)\n")
            throw ExitCode(1)
        }
    }
}
