import SokoManifest
import Testing

@Suite("DurationParser")
struct DurationParserTests {
    @Test(
        "accepts a number and a unit",
        arguments: [
            ("500ms", Duration.milliseconds(500)),
            ("2s", .seconds(2)),
            ("1m", .seconds(60)),
            ("10m", .seconds(600)),
            ("1h", .seconds(3600)),
            ("75s", .seconds(75)),
            ("0s", .zero),
            ("007s", .seconds(7)),
        ])
    func good(text: String, expected: Duration) {
        #expect(DurationParser.parse(text) == expected)
    }

    @Test(
        "refuses anything else",
        arguments: [
            "", "2", "s", "2x", "2S", "2 s", " 2s", "2s ", "-2s", "+2s", "1.5s", "2sec", "1d", "ms",
            "1_000ms", "0x10s", "2ms5", "٣s", "99999999999999999999s", "\(Int.max)h",
        ])
    func bad(text: String) {
        #expect(DurationParser.parse(text) == nil)
    }
}
