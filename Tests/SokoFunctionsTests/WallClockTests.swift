import SokoFunctions
import Testing

@Suite("Wall clock")
struct WallClockTests {
    @Test func aMomentReadsAsSecondsMillisecondsAndTheStoresTimestamp() {
        let time = WallTime(unixMilliseconds: 1_700_000_000_123)
        #expect(time.unixSeconds == 1_700_000_000)
        #expect(time.timestamp == "2023-11-14T22:13:20.123Z")
        #expect(time.adding(seconds: -86_400).timestamp == "2023-11-13T22:13:20.123Z")
        #expect(WallTime(unixMilliseconds: -1).unixSeconds == -1)
        #expect(WallTime(unixSeconds: 10) < WallTime(unixMilliseconds: 10_001))
    }

    @Test func aContextReadsItsClock() {
        let fixed = WallTime(unixSeconds: 1_700_000_000)
        let context = FunctionContext(
            requestID: "clock", deadline: .now + .seconds(1), service: "examples", function: "hello",
            request: FunctionRequest(method: "GET", path: "/"), clock: .fixed(fixed), logger: Logger(label: "clock"))
        #expect(context.now == fixed)
        let system = FunctionContext(
            requestID: "clock", deadline: .now + .seconds(1), service: "examples", function: "hello",
            request: FunctionRequest(method: "GET", path: "/"), logger: Logger(label: "clock"))
        #expect(system.now > fixed)
    }
}
