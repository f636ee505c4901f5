import SokoFunctions
import Testing

/// The shared codecs: RFC 4648 vectors, form encoding, cursors, round trips and bad input.
@Suite("Codecs")
struct CodecTests {
    /// RFC 4648 §10's vectors, in base64url without padding (§5).
    static let vectors: [(String, String, String)] = [
        ("", "", ""), ("f", "Zg", "66"), ("fo", "Zm8", "666f"), ("foo", "Zm9v", "666f6f"),
        ("foob", "Zm9vYg", "666f6f62"), ("fooba", "Zm9vYmE", "666f6f6261"), ("foobar", "Zm9vYmFy", "666f6f626172"),
    ]

    @Test(arguments: vectors)
    func rfc4648Vectors(_ plain: String, _ base64url: String, _ hex: String) {
        #expect(Base64URL.encode(Array(plain.utf8)) == base64url)
        #expect(Base64URL.decode(base64url) == Array(plain.utf8))
        #expect(Hex.encode(Array(plain.utf8)) == hex)
        #expect(Hex.decode(hex) == Array(plain.utf8))
        #expect(Hex.decode(hex.uppercased()) == Array(plain.utf8))
    }

    @Test func base64urlUsesTheURLSafeAlphabet() {
        let bytes: [UInt8] = [0xfb, 0xff, 0xbf]
        #expect(Base64URL.encode(bytes) == "-_-_")
        #expect(Base64URL.decode("-_-_") == bytes)
    }

    @Test func everyByteStringRoundTrips() {
        var generator = SystemRandomNumberGenerator()
        for count in 0..<70 {
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
            #expect(Hex.decode(Hex.encode(bytes)) == bytes)
        }
    }

    @Test(arguments: ["Zm9v=", "Zm9v+", "Zm9/", "Z", "Zh", "Zm9vY", "é", "Zm 9v"])
    func badBase64urlIsRefused(_ text: String) {
        #expect(Base64URL.decode(text) == nil)
    }

    @Test(arguments: ["6", "6g", "zz", "6 6", "é0"])
    func badHexIsRefused(_ text: String) {
        #expect(Hex.decode(text) == nil)
    }

    @Test func randomHexHasTheDigitsAskedFor() {
        let text = Hex.random(digits: 24)
        #expect(text.utf8.count == 24)
        #expect(Hex.decode(text)?.count == 12)
        #expect(Hex.random(digits: 24) != text)
    }

    @Test func formEncodingEscapesWhatAFormMust() {
        #expect(FormEncoding.encode("a b+c&d=e") == "a+b%2Bc%26d%3De")
        #expect(FormEncoding.encode("*-._~/") == "*-._%7E%2F")
        #expect(FormEncoding.encode("Zawadi Ñ €") == "Zawadi+%C3%91+%E2%82%AC")
        #expect(
            FormEncoding.encode([("grant_type", "client_credentials"), ("scope", "a b")])
                == "grant_type=client_credentials&scope=a+b")
    }

    @Test func formEncodingRoundTripsThroughTheQueryParser() {
        let fields = [("name", "Zawadi Ñ"), ("note", "1+1=2 & more"), ("empty", ""), ("emoji", "🙂")]
        let parsed = QueryParameters(parsing: Substring(FormEncoding.encode(fields)))
        for (name, value) in fields { #expect(parsed[name] == value) }
    }

    @Test func cursorsRoundTripAndRefuseWhatTheyDidNotMake() {
        let text = PageCursor.encode(["2026-01-01T00:00:00.000Z", "ord_1"])
        #expect(PageCursor.decode(text, parts: 2) == ["2026-01-01T00:00:00.000Z", "ord_1"])
        #expect(PageCursor.decode(text, parts: 3) == nil)
        #expect(PageCursor.decode(text + "!", parts: 2) == nil)
        #expect(PageCursor.decode(String(repeating: "A", count: 400), parts: 2) == nil)
        #expect(PageCursor.decode(Base64URL.encode([0xff, 0xfe, 0x20, 0x41]), parts: 2) == nil)
    }

    struct Position: Codable, Equatable {
        var key: Int
        var id: String
    }

    @Test func jsonCursorsRoundTrip() {
        let position = Position(key: 42, id: "p 1")
        let text = PageCursor.encode(json: position)
        #expect(PageCursor.decode(text, json: Position.self) == position)
        #expect(PageCursor.decode(PageCursor.encode(["42"]), json: Position.self) == nil)
        #expect(PageCursor.decode("not a cursor", json: Position.self) == nil)
    }

    @Test func trimmingTakesWhitespaceFromBothEndsOnly() {
        #expect(" \t Ann  Lee\r\n".trimmingWhitespace() == "Ann  Lee")
        #expect("   ".trimmingWhitespace() == "")
        #expect("> > quoted >".trimming(while: { $0 == ">" || $0 == " " }) == "quoted")
    }
}
