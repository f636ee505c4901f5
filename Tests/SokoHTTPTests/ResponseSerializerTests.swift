import Testing

@testable import SokoHTTP

@Suite("Response head serialization")
struct ResponseSerializerTests {
    private func head(_ headers: HTTPHeaders, requestID: RequestID? = nil) -> String {
        var serializer = ResponseSerializer()
        var out: [UInt8] = []
        _ = serializer.serialize(
            HTTPResponse(status: 200, headers: headers, body: [], inlineRequestID: requestID), into: &out,
            isHead: false, keepAlive: true, http10: false)
        return String(decoding: out, as: UTF8.self)
    }

    @Test(arguments: [
        ("text/plain; charset=utf-8", "text/plain; charset=utf-8"),
        ("a\r\nSet-Cookie: x=1", "a  Set-Cookie: x=1"),
        ("tab\tkept", "tab\tkept"),
        ("del\u{7F}and nul\u{0}", "del and nul "),
        ("a long value past sixteen bytes\n", "a long value past sixteen bytes "),
        ("ünïcödé, 0x80 and up are kept", "ünïcödé, 0x80 and up are kept"),
        ("", ""),
    ])
    func headerTextCannotEndTheHeader(_ value: String, _ written: String) {
        #expect(head(["X-Value": value]).contains("\r\nX-Value: \(written)\r\n"))
    }

    @Test func theRequestIDGoesAfterTheHandlersHeadersAndReplacesTheirs() {
        let text = head(["X-Request-ID": "theirs", "A": "b"], requestID: RequestID(prefix: 0xab, counter: 0xcd))
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\nA: b\r\nX-Request-ID: 00000000000000ab00000000000000cd\r\n"))
        #expect(!text.contains("theirs"))
        #expect(head([:], requestID: RequestID("a\rb")).contains("\r\nX-Request-ID: a b\r\n"))
    }
}
