import Foundation
import ShopTesting
import SokoFunctions
import SokoTesting
import Testing

@testable import Sandbox

@Suite("Sandbox: Daraja over the shop's router")
struct DarajaSandboxTests {
    @Test func tokenIsIssuedWithExpiresInAsAString() async throws {
        let shop = try await SandboxShop.start()
        let response = await shop.shop.request(
            "GET", "/_sandbox/daraja/oauth/v1/generate?grant_type=client_credentials",
            headers: [("Authorization", SandboxShop.basic)])
        #expect(response.status == 200)
        let object = try response.object()
        #expect(object["expires_in"] == .string("3599"))
        #expect(object["access_token"]?.stringValue?.count == 28)
        await shop.shutdown()
    }

    @Test func tokenErrorsUseDarajasEnvelope() async throws {
        let shop = try await SandboxShop.start()
        let grant = await shop.shop.request(
            "GET", "/_sandbox/daraja/oauth/v1/generate?grant_type=client_credentials%20",
            headers: [("Authorization", SandboxShop.basic)])
        #expect(grant.status == 400)
        #expect(try grant.object()["errorCode"] == .string("400.008.02"))
        #expect(try grant.object()["errorMessage"] == .string("Invalid grant type passed"))
        #expect(try grant.object()["requestId"]?.stringValue?.isEmpty == false)
        let wrong = "Basic " + Data("sandbox-key:nope".utf8).base64EncodedString()
        for headers in [[("Authorization", wrong)], []] {
            let response = await shop.shop.request(
                "GET", "/_sandbox/daraja/oauth/v1/generate?grant_type=client_credentials", headers: headers)
            #expect(response.status == 400)
            #expect(try response.object()["errorCode"] == .string("400.008.01"))
        }
        await shop.shutdown()
    }

    @Test func configuredCredentialsAndTokenLifetime() async throws {
        let shop = try await SandboxShop.start([
            "SOKO_DARAJA_CONSUMER_KEY": "k", "SOKO_DARAJA_CONSUMER_SECRET": "s", "SOKO_SANDBOX_DARAJA_TOKEN_TTL": "60",
            // Credentials of one's own go with the URL they are for: here, explicitly, the sandbox.
            "SOKO_DARAJA_BASE_URL": "http://127.0.0.1:9/_sandbox/daraja",
        ])
        let response = await shop.shop.request(
            "GET", "/_sandbox/daraja/oauth/v1/generate?grant_type=client_credentials",
            headers: [("Authorization", "Basic " + Data("k:s".utf8).base64EncodedString())])
        #expect(response.status == 200)
        #expect(try response.object()["expires_in"] == .string("60"))
        await shop.shutdown()
    }

    @Test func pushIsAcknowledged() async throws {
        let shop = try await SandboxShop.start()
        let token = try await shop.darajaToken()
        let response = await shop.daraja("stkpush/v1/processrequest", token: token, body: SandboxShop.push())
        #expect(response.status == 200)
        let object = try response.object()
        #expect(object["ResponseCode"] == .string("0"))
        #expect(object["ResponseDescription"] == .string("Success. Request accepted for processing"))
        #expect(object["CustomerMessage"] == .string("Success. Request accepted for processing"))
        #expect(object["CheckoutRequestID"]?.stringValue?.hasPrefix("ws_CO_") == true)
        #expect(object["MerchantRequestID"]?.stringValue?.isEmpty == false)
        // Amount and phone as strings are accepted too, as Daraja does.
        let strings = await shop.daraja(
            "stkpush/v1/processrequest", token: token, body: SandboxShop.push(amount: .string("10")))
        #expect(strings.status == 200)
        await shop.shutdown()
    }

    @Test(arguments: [
        ("CallBackURL", JSONValue.string("not a url"), "Bad Request - Invalid CallBackURL"),
        ("CallBackURL", .string("http://10.0.0.1/cb"), "Bad Request - Invalid CallBackURL"),
        ("BusinessShortCode", .string("17"), "Bad Request - Invalid BusinessShortCode"),
        ("Timestamp", .string("2024"), "Bad Request - Invalid Timestamp"),
        ("TransactionType", .string("CustomerPay"), "Bad Request - Invalid TransactionType"),
        ("Amount", .number(1.5), "Bad Request - Invalid Amount"), ("Amount", .integer(0), "Bad Request - Invalid Amount"),
        ("PartyA", .string("0708374149"), "Bad Request - Invalid PartyA"),
        ("PhoneNumber", .string("+254708374149"), "Bad Request - Invalid PhoneNumber"),
        ("AccountReference", .string("THIRTEEN-CHAR"), "Bad Request - Invalid AccountReference"),
        ("TransactionDesc", .string("fourteen chars"), "Bad Request - Invalid TransactionDesc"),
    ])
    func pushFieldErrors(_ field: String, _ value: JSONValue, _ message: String) async throws {
        let shop = try await SandboxShop.start()
        let token = try await shop.darajaToken()
        let response = await shop.daraja("stkpush/v1/processrequest", token: token, body: SandboxShop.push([field: value]))
        #expect(response.status == 400)
        #expect(try response.object()["errorCode"] == .string("400.002.02"))
        #expect(try response.object()["errorMessage"] == .string(message))
        await shop.shutdown()
    }

    @Test func pushAuthAndPasswordErrors() async throws {
        let shop = try await SandboxShop.start()
        let token = try await shop.darajaToken()
        let missing = await shop.daraja("stkpush/v1/processrequest", token: nil, body: SandboxShop.push())
        #expect(missing.status == 404)
        #expect(try missing.object()["errorCode"] == .string("404.001.04"))
        let invalid = await shop.daraja("stkpush/v1/processrequest", token: "made-up", body: SandboxShop.push())
        #expect(invalid.status == 404)
        #expect(try invalid.object()["errorCode"] == .string("404.001.03"))
        #expect(try invalid.object()["errorMessage"] == .string("Invalid Access Token"))
        // An expired token is as invalid as an unknown one.
        try await shop.store.execute("UPDATE daraja_tokens SET expires_at = 0 WHERE token = $1", [.text(token)])
        let expired = await shop.daraja("stkpush/v1/processrequest", token: token, body: SandboxShop.push())
        #expect(try expired.object()["errorCode"] == .string("404.001.03"))
        let fresh = try await shop.darajaToken()
        let password = await shop.daraja(
            "stkpush/v1/processrequest", token: fresh, body: SandboxShop.push(["Password": .string("d3Jvbmc=")]))
        #expect(password.status == 500)
        #expect(try password.object()["errorCode"] == .string("500.001.1001"))
        #expect(try password.object()["errorMessage"] == .string("Wrong credentials"))
        let malformed = await shop.daraja("stkpush/v1/processrequest", token: fresh, body: Array("[1]".utf8))
        #expect(try malformed.object()["errorCode"] == .string("400.002.05"))
        await shop.shutdown()
    }

    @Test func queryBeforeTheOutcomeSaysBeingProcessed() async throws {
        let shop = try await SandboxShop.start(["SOKO_SANDBOX_CALLBACK_DELAY_MS": "600000"])
        let token = try await shop.darajaToken()
        let push = try await shop.daraja("stkpush/v1/processrequest", token: token, body: SandboxShop.push()).object()
        let checkout = push["CheckoutRequestID"]?.stringValue ?? ""
        let response = await shop.daraja("stkpushquery/v1/query", token: token, body: SandboxShop.query(checkout))
        #expect(response.status == 500)
        #expect(try response.object()["errorCode"] == .string("500.001.1001"))
        #expect(try response.object()["errorMessage"] == .string("The transaction is being processed"))
        await shop.shutdown()
    }

    @Test(arguments: [
        ("254708374149", "0", "The service request is processed successfully."),
        ("254711111111", "0", "The service request is processed successfully."),
        ("254700000001", "1032", "Request cancelled by user"),
        ("254700000002", "1037", "DS timeout user cannot be reached"),
        ("254700000003", "1", "The balance is insufficient for the transaction"),
        ("254700000004", "2001", "The initiator information is invalid"),
        ("254700000005", "0", "The service request is processed successfully."),
    ])
    func queryReportsTheOutcomeAsStrings(_ phone: String, _ code: String, _ description: String) async throws {
        let shop = try await SandboxShop.start(["SOKO_SANDBOX_CALLBACK_DELAY_MS": "0"])
        let token = try await shop.darajaToken()
        let push = try await shop.daraja("stkpush/v1/processrequest", token: token, body: SandboxShop.push(phone: phone))
            .object()
        let checkout = push["CheckoutRequestID"]?.stringValue ?? ""
        let response = await shop.daraja("stkpushquery/v1/query", token: token, body: SandboxShop.query(checkout))
        #expect(response.status == 200)
        let object = try response.object()
        #expect(object["ResponseCode"] == .string("0"))
        #expect(object["ResponseDescription"] == .string("The service request has been accepted successfully"))
        #expect(object["ResultCode"] == .string(code))
        #expect(object["ResultDesc"] == .string(description))
        #expect(object["CheckoutRequestID"] == .string(checkout))
        #expect(object["MerchantRequestID"] == push["MerchantRequestID"])
        let rows = try await shop.store.query(
            "SELECT callback_state FROM stk_requests WHERE checkout_request_id = $1", [.text(checkout)])
        if phone == "254700000005" { #expect(try rows.first?.string("callback_state") == "withheld") }
        await shop.shutdown()
    }

    @Test func queryErrors() async throws {
        let shop = try await SandboxShop.start(["SOKO_SANDBOX_CALLBACK_DELAY_MS": "0"])
        let token = try await shop.darajaToken()
        let unknown = await shop.daraja("stkpushquery/v1/query", token: token, body: SandboxShop.query("ws_CO_nope"))
        #expect(unknown.status == 400)
        #expect(try unknown.object()["errorMessage"] == .string("Bad Request - Invalid CheckoutRequestID"))
        let noToken = await shop.daraja("stkpushquery/v1/query", token: nil, body: SandboxShop.query("ws_CO_nope"))
        #expect(try noToken.object()["errorCode"] == .string("404.001.04"))
        var body = try JSONCoding.decode([String: String].self, from: SandboxShop.query("ws_CO_nope"))
        body["Password"] = "d3Jvbmc="
        let password = await shop.daraja("stkpushquery/v1/query", token: token, body: try JSONCoding.encode(body))
        #expect(try password.object()["errorMessage"] == .string("Wrong credentials"))
        await shop.shutdown()
    }
}
