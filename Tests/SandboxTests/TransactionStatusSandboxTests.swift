import Foundation
import ShopTesting
import SokoFunctions
import SokoTesting
import Testing

@testable import Sandbox

/// The sandbox's Daraja Transaction Status API, and the reversal whose result it loses (the
/// original payment's phone 254700000007), posting through the host's own client to a receiver
/// on loopback: what ReconcileReversals relies on.
@Suite("Sandbox: Daraja transaction status", .timeLimit(.minutes(1)))
struct TransactionStatusSandboxTests {
    static func query(_ changes: [String: JSONValue] = [:], resultURL: String) -> [UInt8] {
        var body: [String: JSONValue] = [
            "Initiator": .string("testapi"), "SecurityCredential": .string("sandbox-credential"),
            "CommandID": .string("TransactionStatusQuery"), "TransactionID": .string("QKH94M1Z11"),
            "PartyA": .string("174379"), "IdentifierType": .string("4"), "ResultURL": .string(resultURL),
            "QueueTimeOutURL": .string(resultURL), "Remarks": .string("Refund of order 1"), "Occasion": .string("Refund"),
        ]
        body.merge(changes) { _, new in new }
        return try! JSONCoding.encode(JSONValue.object(body))
    }

    /// The `{Key: Value}` of a posted result's `ResultParameters`.
    static func parameters(_ result: JSONValue?) -> [String: JSONValue] {
        var found: [String: JSONValue] = [:]
        for item in result?["ResultParameters"]?["ResultParameter"]?.arrayValue ?? [] {
            if let key = item["Key"]?.stringValue, let value = item["Value"] { found[key] = value }
        }
        return found
    }

    @Test func aLostReversalResultIsFoundReversedByTransactionStatus() async throws {
        let receiver = try LoopbackReceiver()
        defer { receiver.stop() }
        let shop = try await SandboxShop.start(["SOKO_SANDBOX_CALLBACK_DELAY_MS": "50"])
        let token = try await shop.darajaToken()
        try await ReversalAndSmsSandboxTests.paid(shop, receipt: "QKH94M1Z11", phone: ReversalResult.lostResultPhone)
        try await ReversalAndSmsSandboxTests.paid(shop, receipt: "QKH94M1Z22")

        // The reversal is acknowledged and goes through; its result is never posted.
        let reversal = await shop.daraja(
            "reversal/v1/request", token: token,
            body: ReversalAndSmsSandboxTests.reversal([
                "ResultURL": .string(receiver.url + "/webhooks/mpesa/reversal/lost/result"),
                "QueueTimeOutURL": .string(receiver.url + "/webhooks/mpesa/reversal/lost/timeout"),
            ]))
        #expect(reversal.status == 200, "\(reversal.text)")
        let conversation = try #require(try reversal.object()["ConversationID"]?.stringValue)
        let kept = try await shop.store.query(
            "SELECT result_code, result_state FROM reversal_requests WHERE conversation_id = $1", [.text(conversation)])
        #expect(try kept.first?.string("result_code") == "0" && kept.first?.string("result_state") == "withheld")

        // Its status: Reversed. The other payment's: Completed. The first thing the receiver
        // gets is the status answer (the reversal's result was withheld).
        let ack = await shop.daraja(
            "transactionstatus/v1/query", token: token, body: Self.query(resultURL: receiver.url + "/status/one"))
        #expect(ack.status == 200, "\(ack.text)")
        let acknowledged = try ack.object()
        #expect(acknowledged["ResponseCode"] == .string("0"))
        #expect(acknowledged["ConversationID"]?.stringValue?.hasPrefix("AG_") == true)
        var received = receiver.received.makeAsyncIterator()
        let first = try #require(await received.next())
        #expect(first.head.hasPrefix("POST /status/one HTTP/1.1"))
        let result = try JSONCoding.decode(JSONValue.self, from: first.body)["Result"]
        #expect(result?["ResultCode"] == .integer(0))
        #expect(result?["ConversationID"] == acknowledged["ConversationID"])
        var parameters = Self.parameters(result)
        #expect(parameters["TransactionStatus"] == .string("Reversed"))
        #expect(parameters["ReceiptNo"] == .string("QKH94M1Z11") && parameters["Amount"] == .integer(1535))

        _ = await shop.daraja(
            "transactionstatus/v1/query", token: token,
            body: Self.query(["TransactionID": .string("QKH94M1Z22")], resultURL: receiver.url + "/status/two"))
        let second = try #require(await received.next())
        #expect(second.head.hasPrefix("POST /status/two HTTP/1.1"))
        parameters = Self.parameters(try JSONCoding.decode(JSONValue.self, from: second.body)["Result"])
        #expect(parameters["TransactionStatus"] == .string("Completed"))

        // Not the sandbox's operator, and an unknown transaction: failed queries.
        _ = await shop.daraja(
            "transactionstatus/v1/query", token: token,
            body: Self.query(["SecurityCredential": .string("wrong")], resultURL: receiver.url + "/status/three"))
        let third = try #require(await received.next())
        #expect(try JSONCoding.decode(JSONValue.self, from: third.body)["Result"]?["ResultCode"] == .integer(2001))
        _ = await shop.daraja(
            "transactionstatus/v1/query", token: token,
            body: Self.query(["TransactionID": .string("QZZ00000000")], resultURL: receiver.url + "/status/four"))
        let fourth = try #require(await received.next())
        #expect(try JSONCoding.decode(JSONValue.self, from: fourth.body)["Result"]?["ResultCode"] == .string("R000002"))
        await shop.shutdown()
    }

    @Test func statusQueryErrorsUseDarajasEnvelope() async throws {
        let shop = try await SandboxShop.start()
        let token = try await shop.darajaToken()
        let url = "http://127.0.0.1:8080/webhooks/mpesa/reversal/tok/status"
        #expect(await shop.daraja("transactionstatus/v1/query", token: nil, body: Self.query(resultURL: url)).status == 404)
        for (field, value) in [
            ("CommandID", JSONValue.string("TransactionReversal")), ("TransactionID", .string("x")),
            ("PartyA", .string("12")), ("IdentifierType", .string("9")), ("ResultURL", .string("https://evil.example/x")),
            ("QueueTimeOutURL", .string("not a url")), ("Remarks", .string("")), ("Initiator", .string("")),
        ] {
            let response = await shop.daraja(
                "transactionstatus/v1/query", token: token, body: Self.query([field: value], resultURL: url))
            #expect(response.status == 400, "\(field)")
            #expect(try response.object()["errorMessage"] == .string("Bad Request - Invalid \(field)"))
        }
        await shop.shutdown()
    }
}
