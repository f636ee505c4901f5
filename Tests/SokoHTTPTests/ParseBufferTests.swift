import Testing

@testable import SokoHTTP

@Suite("Parser byte buffers and header tokens")
struct ParseBufferTests {
    @Test func appendsAcrossGrowthAndEmptiesForTheNextRequest() {
        var buffer = ParseBuffer(capacity: 4)
        var empty = buffer.isEmpty
        #expect(empty)
        // Pieces as http-parser hands them over, across two growths of the storage.
        let pieces = ["GET", " /a-long-", "path?with=a&query=", "", "that-outgrows-four-bytes"]
        for piece in pieces {
            Array(piece.utf8).withUnsafeBytes { buffer.append($0) }
        }
        let gathered = buffer.string
        let count = buffer.count
        #expect(gathered == pieces.joined())
        #expect(count == pieces.joined().utf8.count)
        buffer.removeAll()
        empty = buffer.isEmpty
        #expect(empty)
        Array("Host".utf8).withUnsafeBytes { buffer.append($0) }
        let host = buffer.string
        let hostBytes = Array(buffer.bytes)
        #expect(host == "Host")
        #expect(hostBytes == Array("Host".utf8))
    }

    @Test func invalidUTF8IsRepairedAsStringDecodingDoes() {
        var buffer = ParseBuffer(capacity: 8)
        let bytes: [UInt8] = [0x61, 0xFF, 0x62]
        bytes.withUnsafeBytes { buffer.append($0) }
        let text = buffer.string
        #expect(text == String(decoding: bytes, as: UTF8.self))
    }

    @Test(arguments: [
        ("Host", true), ("X-Request-ID", true), ("a!#$%&'*+-.^_`|~z09", true),
        ("", false), ("Bad Name", false), ("colon:", false), ("quote\"", false), ("tab\t", false),
        ("del\u{7F}", false), ("(paren)", false), ("{brace}", false), ("é", false),
    ])
    func headerNamesAreRFC9110Tokens(name: String, valid: Bool) {
        let bytes = Array(name.utf8)
        #expect(bytes.withUnsafeBufferPointer { HTTPToken.isValid($0) } == valid)
    }

    @Test func everyByteOutsideTheTokenSetIsRefused() {
        let token = Set("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
        for byte in UInt8.min...UInt8.max {
            let valid = [byte].withUnsafeBufferPointer { HTTPToken.isValid($0) }
            #expect(valid == token.contains(byte), "byte \(byte)")
        }
    }
}
