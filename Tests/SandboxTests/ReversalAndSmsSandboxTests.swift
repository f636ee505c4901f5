import Foundation
import ShopTesting
import SokoFunctions
import SokoTesting
import Testing

@testable import Sandbox

/// The sandbox's Daraja Reversal API and Africa's Talking messaging endpoint, over the router: the
/// synchronous answers and errors in the providers' own shapes, and the rules that pick a reversal's
/// result (decided, then kept, without waiting for its delivery).
@Suite("Sandbox: Daraja reversals and Africa's Talking")
struct ReversalAndSmsSandboxTests {
    static func reversal(_ changes: [String: JSONValue] = [:]) -> [UInt8] {
        var body: [String: JSONValue] = [
            "Initiator": .string("testapi"), "SecurityCredential": .string("sandbox-credential"),
            "CommandID": .string("TransactionReversal"), "TransactionID": .string("QKH94M1Z11"), "Amount": .integer(1535),
            "ReceiverParty": .string("174379"), "RecieverIdentifierType": .string("11"),
            "ResultURL": .string("http://127.0.0.1:8080/webhooks/mpesa/reversal/tok/result"),
            "QueueTimeOutURL": .string("http://127.0.0.1:8080/webhooks/mpesa/reversal/tok/timeout"),
            "Remarks": .string("Refund of order 1"), "Occasion": .string("Refund"),
        ]
        body.merge(changes) { _, new in new }
        return try! JSONCoding.encode(JSONValue.object(body))
    }

    /// A paid push the sandbox remembers, with `receipt`, `amount` and `phone`.
    static func paid(_ shop: SandboxShop, receipt: String, amount: Int = 1535, phone: String = "254708374149") async throws {
        try await shop.store.execute(
            """
            INSERT INTO stk_requests (checkout_request_id, merchant_request_id, business_short_code, amount, phone,
                callback_url, account_reference, result_code, receipt, due_ms, callback_state, created_at)
            VALUES ($1, 'm', '174379', $2, $3, 'http://127.0.0.1:8080/x', 'ref', 0, $4, 0, 'delivered', 0)
            """, [.text("ws_CO_\(receipt)"), SQLValue(amount), .text(phone), .text(receipt)])
    }

    func resultCode(_ shop: SandboxShop, _ conversation: String) async throws -> String? {
        try await shop.store.query(
            "SELECT result_code FROM reversal_requests WHERE conversation_id = $1", [.text(conversation)]
        ).first.flatMap { try $0.string("result_code") }
    }

    @Test func reversalsAreAcknowledgedAndDecidedByTheRules() async throws {
        let shop = try await SandboxShop.start()
        let token = try await shop.darajaToken()
        try await Self.paid(shop, receipt: "QKH94M1Z11")
        try await Self.paid(shop, receipt: "QKH94M1Z22", phone: "254700000006")

        let cases: [([String: JSONValue], String)] = [
            ([:], "0"),
            ([:], "R000001"),  // the same transaction again
            (["TransactionID": .string("QZZ00000000")], "R000002"),
            (["TransactionID": .string("QKH94M1Z22"), "Amount": .integer(10)], "R000003"),
            (["TransactionID": .string("QKH94M1Z22"), "SecurityCredential": .string("wrong")], "2001"),
            (["TransactionID": .string("QKH94M1Z22")], "timeout"),
        ]
        for (changes, expected) in cases {
            let response = await shop.daraja("reversal/v1/request", token: token, body: Self.reversal(changes))
            #expect(response.status == 200, "\(response.text)")
            let object = try response.object()
            #expect(object["ResponseCode"] == .string("0"))
            #expect(object["ResponseDescription"] == .string("Accept the service request successfully."))
            let conversation = try #require(object["ConversationID"]?.stringValue)
            #expect(conversation.hasPrefix("AG_"))
            #expect(try await resultCode(shop, conversation) == expected, "\(changes)")
        }
        await shop.shutdown()
    }

    @Test func reversalRequestErrorsUseDarajasEnvelope() async throws {
        let shop = try await SandboxShop.start()
        let token = try await shop.darajaToken()
        #expect(await shop.daraja("reversal/v1/request", token: nil, body: Self.reversal()).status == 404)
        for (field, value) in [
            ("CommandID", JSONValue.string("BusinessPayment")), ("Amount", .integer(0)), ("ReceiverParty", .string("12")),
            ("RecieverIdentifierType", .string("1")), ("ResultURL", .string("https://evil.example/x")),
            ("QueueTimeOutURL", .string("not a url")), ("Remarks", .string("")), ("Initiator", .string("")),
        ] {
            let response = await shop.daraja("reversal/v1/request", token: token, body: Self.reversal([field: value]))
            #expect(response.status == 400, "\(field)")
            #expect(try response.object()["errorCode"] == .string("400.002.02"))
            #expect(try response.object()["errorMessage"] == .string("Bad Request - Invalid \(field)"))
        }
        await shop.shutdown()
    }

    func sms(_ shop: SandboxShop, key: String? = "sandbox-api-key", _ form: String) async -> TestResponse {
        var headers = [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")]
        if let key { headers.append(("apiKey", key)) }
        return await shop.shop.request(
            "POST", "/_sandbox/africastalking/version1/messaging", headers: headers, body: Array(form.utf8))
    }

    @Test func africasTalkingAnswersPerRecipientAndChecksItsKey() async throws {
        let shop = try await SandboxShop.start()
        let sent = await sms(shop, "username=sandbox&to=%2B254708374149,%2B254700000406,0712&message=Habari+Ann&from=DUKA")
        #expect(sent.status == 201)
        let data = try #require(try sent.object()["SMSMessageData"]?.objectValue)
        #expect(data["Message"] == .string("Sent to 1/3 Total Cost: KES 0.8000"))
        guard case .array(let recipients)? = data["Recipients"] else { throw ShopTestError("no recipients") }
        let byNumber = Dictionary(
            uniqueKeysWithValues: recipients.compactMap { value -> (String, [String: JSONValue])? in
                guard let object = value.objectValue, let number = object["number"]?.stringValue else { return nil }
                return (number, object)
            })
        #expect(byNumber["+254708374149"]?["statusCode"] == .integer(101))
        #expect(byNumber["+254708374149"]?["status"] == .string("Success"))
        #expect(byNumber["+254708374149"]?["messageId"]?.stringValue?.hasPrefix("ATXid_") == true)
        #expect(byNumber["+254700000406"]?["statusCode"] == .integer(406))
        #expect(byNumber["0712"]?["status"] == .string("InvalidPhoneNumber"))
        let kept = try await shop.store.query("SELECT message, sender FROM sms_messages WHERE status_code = 101", [])
        #expect(try kept.first?.string("message") == "Habari Ann" && kept.first?.string("sender") == "DUKA")

        #expect(await sms(shop, key: nil, "username=sandbox&to=%2B254708374149&message=x").status == 401)
        #expect(await sms(shop, key: "wrong", "username=sandbox&to=%2B254708374149&message=x").status == 401)
        #expect(await sms(shop, "username=other&to=%2B254708374149&message=x").status == 401)
        #expect(await sms(shop, "to=%2B254708374149&message=x").status == 400)
        #expect(await sms(shop, "username=sandbox&to=%2B254708374149").status == 400)
        await shop.shutdown()
    }
}
