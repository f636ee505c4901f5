import Foundation
import Testing

/// The autoscaling arithmetic end to end, without a cluster: benchmarks/scaling.py runs the real
/// host under a stepped load, scrapes /metrics, evaluates the generated adapter rule's
/// `sum(rate(…[2m]))` as PromQL does and the generated HPAs' algorithm (tolerance, rate limits,
/// stabilisation), and fails unless each unit's desired replicas follow the load up and back down.
@Suite("The autoscaling arithmetic", .timeLimit(.minutes(3)))
struct ScalingArithmeticTests {
    @Test func desiredReplicasFollowTheLoadUpAndDown() async throws {
        let binary = NginxGatewayTests.repository + "/.build/debug/soko"
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            #expect(ProcessInfo.processInfo.environment["CI"] == nil, "no soko binary beside the tests under CI")
            return
        }
        // Time scaled by 1/30 (a 15 s scrape every 0.5 s, the 2 m window 4 s): the same samples per
        // window at the same places, so the same arithmetic, in about 40 s. Targets are the manifests'
        // / 20 (at most ~210 requests a second in all), a load the python client delivers even while
        // the rest of the suite runs beside it.
        let run = try await NginxGatewayTests.run([
            "python3", NginxGatewayTests.repository + "/benchmarks/scaling.py", "--soko", binary, "--check", "--time-scale", "30",
            "--target-divisor", "20",
        ])
        #expect(run.status == 0, "\(run.output.suffix(3000))")
        #expect(run.output.contains("rate(): 4 cases agree with PromQL's extrapolatedRate"))
        #expect(run.output.contains("returns to the minimum after it               ok"))
    }
}
