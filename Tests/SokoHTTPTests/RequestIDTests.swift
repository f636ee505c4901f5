import Testing

@testable import SokoHTTP

@Suite("Request ids held inline")
struct RequestIDTests {
    @Test(arguments: [
        (UInt64(0), UInt64(1), "00000000000000000000000000000001"),
        (0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210, "0123456789abcdeffedcba9876543210"),
        (UInt64.max, UInt64.max, "ffffffffffffffffffffffffffffffff"),
        (0x9a0b_1c2d_3e4f_5a6b, 0x0000_0000_0000_a0f9, "9a0b1c2d3e4f5a6b000000000000a0f9"),
    ])
    func generatedIDsAre32HexDigits(_ prefix: UInt64, _ counter: UInt64, _ expected: String) {
        let id = RequestID(prefix: prefix, counter: counter)
        #expect(id.string == expected)
        #expect(id.utf8Count == 32)
        #expect(id.text == nil)
        #expect(id.withUTF8 { Array($0) } == Array(expected.utf8))
        var bytes: [UInt8] = []
        bytes.appendWriting(atMost: id.utf8Count) { id.write(to: &$0) }
        #expect(bytes == Array(expected.utf8))
    }

    @Test func aCallersIDIsKeptAsGiven() {
        let id = RequestID("abc-123")
        #expect(id.string == "abc-123")
        #expect(id.text == "abc-123")
        #expect(id.utf8Count == 7)
        var bytes: [UInt8] = []
        bytes.appendWriting(atMost: id.utf8Count) { id.write(to: &$0) }
        #expect(bytes == Array("abc-123".utf8))
    }

    @Test func aResponsesIDReadsBackAsText() {
        var response = HTTPResponse(
            status: 200, headers: HTTPHeaders(), body: [], inlineRequestID: RequestID(prefix: 1, counter: 2))
        #expect(response.requestID == "00000000000000010000000000000002")
        #expect(response.headersAsSent["X-Request-ID"] == "00000000000000010000000000000002")
        response.requestID = "given"
        #expect(response.inlineRequestID == RequestID("given"))
        response.requestID = nil
        #expect(response.inlineRequestID == nil)
    }
}
