import Testing

@testable import SokoHost

/// A keep-alive connection reuses the previous request's decoded header fields and target when
/// the bytes repeat: whatever changes from one request to the next must still be read afresh.
@Suite("Repeated request heads on one connection")
struct RepeatedHeadTests {
    @Test func changedRepeatedReorderedAndMissingFieldsAreEachReadAsSent() async throws {
        let host = try await LiveHost.start(loops: 1)
        let client = try host.client()
        let exchanges: [(request: String, answer: String)] = [
            ("GET /sync/context?q=a HTTP/1.1\r\nHost: x\r\nX-Request-ID: one\r\n\r\n", "one probe.syncContext q=a"),
            // The same bytes again: the same answer.
            ("GET /sync/context?q=a HTTP/1.1\r\nHost: x\r\nX-Request-ID: one\r\n\r\n", "one probe.syncContext q=a"),
            // Another target and another value in the same place.
            ("GET /sync/context?q=b HTTP/1.1\r\nHost: x\r\nX-Request-ID: two\r\n\r\n", "two probe.syncContext q=b"),
            // A value of the same length, differing in one byte.
            ("GET /sync/context?q=c HTTP/1.1\r\nHost: x\r\nX-Request-ID: twp\r\n\r\n", "twp probe.syncContext q=c"),
            // The fields in another order, one name in other case.
            ("GET /sync/context?q=c HTTP/1.1\r\nx-request-id: three\r\nHost: x\r\n\r\n", "three probe.syncContext q=c"),
            // An empty value where a field had one.
            ("GET /sync/context HTTP/1.1\r\nx-request-id: four\r\nHost: \r\n\r\n", "four probe.syncContext q=-"),
        ]
        for (request, answer) in exchanges {
            client.send(request)
            let response = try await client.readResponse()
            #expect(response.status == 200)
            #expect(response.text == answer)
        }
        // The field the previous request had is gone: the id is generated, not carried over.
        client.send("GET /sync/context HTTP/1.1\r\nHost: x\r\n\r\n")
        let response = try await client.readResponse()
        let id = try #require(response.header("X-Request-ID"))
        #expect(id != "four")
        #expect(response.text == "\(id) probe.syncContext q=-")
        #expect(await host.stop())
    }

    @Test func aRepeatedNameIsStillCountedForFraming() async throws {
        let host = try await LiveHost.start(loops: 1)
        let client = try host.client()
        client.send("GET /sync/context HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await client.readResponse().status == 200)
        // The second request repeats the first's `Host` field and adds another: still two.
        client.send("GET /sync/context HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n")
        let refused = try await client.readResponse()
        #expect(refused.status == 400)
        #expect(refused.text.contains("more than one Host header"))
        #expect(await host.stop())
    }
}
