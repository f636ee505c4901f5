import SokoManifest
import Testing

@Suite("ByteSizeParser")
struct ByteSizeParserTests {
    @Test(
        "accepts bytes, decimal and binary units",
        arguments: [
            ("0", 0),
            ("512", 512),
            ("512B", 512),
            ("64KB", 64_000),
            ("64KiB", 65_536),
            ("2MB", 2_000_000),
            ("1MiB", 1_048_576),
            ("1GB", 1_000_000_000),
            ("1GiB", 1_073_741_824),
        ])
    func good(text: String, expected: Int) {
        #expect(ByteSizeParser.parse(text) == expected)
    }

    @Test(
        "refuses anything else",
        arguments: [
            "", "KB", "64kb", "64Kb", "64kib", "64 KiB", "1.5MB", "-1", "+1", "1TB", "1TiB", "64K",
            "64KiBs", "\(Int.max)KB",
        ])
    func bad(text: String) {
        #expect(ByteSizeParser.parse(text) == nil)
    }
}
