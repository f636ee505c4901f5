import SokoHTTPTypes
import Testing

@Suite("Trimming ASCII whitespace")
struct TrimmingTests {
    @Test(arguments: [
        ("  5 ", "5"), ("\t\r\nvalue\n", "value"), ("a b", "a b"), (" a b ", "a b"), ("", ""), (" \t\r\n ", ""),
        ("\u{A0}x\u{A0}", "\u{A0}x\u{A0}"), ("é ", "é"),
    ])
    func trimsOnlyASCIIWhitespaceAtEitherEnd(_ text: String, _ expected: String) {
        #expect(text.trimmingASCIIWhitespace == expected)
        #expect(text[...].trimmingASCIIWhitespace == expected)
    }
}
