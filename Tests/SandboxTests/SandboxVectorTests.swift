import Foundation
import SokoFunctions
import Testing

@testable import Sandbox

@Suite("Sandbox: documented vectors and pure pieces")
struct SandboxVectorTests {
    @Test func darajaPasswordMatchesTheOfficialSample() {
        let password = DarajaPassword.make(
            shortCode: "174379", passkey: SandboxSettings.publicPasskey, timestamp: "20160216165627")
        #expect(
            password
                == "MTc0Mzc5YmZiMjc5ZjlhYTliZGJjZjE1OGU5N2RkNzFhNDY3Y2QyZTBjODkzMDU5YjEwZjc4ZTZiNzJhZGExZWQyYzkxOTIwMTYwMjE2MTY1NjI3"
        )
    }

    @Test func stripeSignatureMatchesTheReferenceVector() {
        let body = Array(#"{"id":"evt_1","object":"event"}"#.utf8)
        #expect(
            StripeSignature.header(secret: "whsec_test", timestamp: 1_700_000_000, body: body)
                == "t=1700000000,v1=4c15fb2a43f93ef61eaa3e0893866d57cad9cad4223242cfb96f362480cb4021")
    }

    @Test(arguments: [
        ("20160216165627", true), ("2016021616562", false), ("201602161656270", false), ("2016021616562a", false),
        ("20161316165627", false), ("20160216245627", false), ("20160200165627", false),
    ])
    func timestamps(_ text: String, _ valid: Bool) {
        #expect(DarajaPassword.isTimestamp(text) == valid)
    }

    @Test(arguments: [
        ("254708374149", true), ("254112345678", true), ("0708374149", false), ("+254708374149", false),
        ("254608374149", false), ("2547083741490", false), ("25470837414a", false),
    ])
    func phoneNumbers(_ text: String, _ valid: Bool) {
        #expect(StkPushRequest.isMSISDN(text) == valid)
    }

    @Test(arguments: [
        ("http://127.0.0.1:8080/webhooks/mpesa/x", "127.0.0.1"), ("https://Shop.Example.com/cb?x=1", "shop.example.com"),
        ("http://[::1]:9/cb", "[::1]"), ("ftp://127.0.0.1/x", nil), ("http://user@127.0.0.1/", nil), ("http:///x", nil),
    ])
    func callbackHosts(_ url: String, _ host: String?) {
        #expect(CallbackURL.host(of: url) == host)
    }

    @Test func callbackURLsGoOnlyToAllowedHosts() throws {
        let settings = try SandboxSettings(environment: ["SOKO_PUBLIC_URL": "https://shop.example.com/"])
        #expect(settings.stripeWebhookURL == "https://shop.example.com/webhooks/stripe")
        #expect(CallbackURL.isAcceptable("https://shop.example.com/webhooks/mpesa/t", hosts: settings.callbackHosts))
        #expect(CallbackURL.isAcceptable("http://localhost:8080/x", hosts: settings.callbackHosts))
        #expect(!CallbackURL.isAcceptable("http://169.254.169.254/latest", hosts: settings.callbackHosts))
        #expect(!CallbackURL.isAcceptable(" http://localhost/x", hosts: settings.callbackHosts))
        let any = try SandboxSettings(environment: ["SOKO_SANDBOX_CALLBACK_HOSTS": "*"])
        #expect(CallbackURL.isAcceptable("http://169.254.169.254/latest", hosts: any.callbackHosts))
    }

    @Test func settingsRefuseMalformedValuesAndLiveKeys() throws {
        #expect(throws: SandboxSettingsError.self) {
            try SandboxSettings(environment: ["SOKO_SANDBOX_CALLBACK_DELAY_MS": "soon"])
        }
        #expect(throws: SandboxSettingsError.self) { try SandboxSettings(environment: ["SOKO_SANDBOX": "maybe"]) }
        #expect(try SandboxSettings(environment: ["SOKO_STRIPE_SECRET_KEY": "sk_live_abc"]).enabled == false)
        #expect(try SandboxSettings(environment: ["SOKO_SANDBOX": "off"]).enabled == false)
        #expect(try SandboxSettings(environment: [:]) == SandboxSettings())
    }

    @Test func successfulCallbackHasTheDocumentedShape() throws {
        let callback = StkCallback(
            merchantRequestID: "29115-34620561-1", checkoutRequestID: "ws_CO_1", outcome: .paid, amount: 150,
            receipt: "QKH94M1Z11", transactionDate: "20221117155745", phoneNumber: "254708374149")
        let text = String(decoding: callback.body, as: UTF8.self)
        #expect(
            text
                == #"{"Body":{"stkCallback":{"MerchantRequestID":"29115-34620561-1","CheckoutRequestID":"ws_CO_1","ResultCode":0,"#
                + #""ResultDesc":"The service request is processed successfully.","CallbackMetadata":{"Item":["#
                + #"{"Name":"Amount","Value":150.00},{"Name":"MpesaReceiptNumber","Value":"QKH94M1Z11"},{"Name":"Balance"},"#
                + #"{"Name":"TransactionDate","Value":20221117155745},{"Name":"PhoneNumber","Value":254708374149}]}}}}"#)
        _ = try JSONSerialization.jsonObject(with: Data(callback.body))
        let request = callback.request(to: "http://127.0.0.1/cb")
        #expect(request.method == "POST" && request.headers["Content-Type"] == "application/json")
    }

    @Test(arguments: [
        ("254700000001", 1032, "Request cancelled by user"), ("254700000002", 1037, "DS timeout user cannot be reached"),
        ("254700000003", 1, "The balance is insufficient for the transaction"),
        ("254700000004", 2001, "The initiator information is invalid"),
    ])
    func failedCallbackHasNoMetadata(_ phone: String, _ code: Int, _ description: String) {
        let outcome = StkOutcome.forPhone(phone)
        let callback = StkCallback(
            merchantRequestID: "m", checkoutRequestID: "c", outcome: outcome, amount: 1, receipt: "R",
            transactionDate: "20240101000000", phoneNumber: phone)
        #expect(
            String(decoding: callback.body, as: UTF8.self)
                == #"{"Body":{"stkCallback":{"MerchantRequestID":"m","CheckoutRequestID":"c","ResultCode":\#(code),"#
                + #""ResultDesc":"\#(description)"}}}"#)
    }

    @Test func outcomesByPhone() {
        #expect(StkOutcome.forPhone("254708374149") == .paid)
        #expect(StkOutcome.forPhone("254712345678") == .paid)
        #expect(StkOutcome.forPhone("254700000005") == .paidWithoutCallback)
        #expect(!StkOutcome.forPhone("254700000005").sendsCallback)
    }

    @Test func identifiersLookLikeTheProviders() {
        let receipt = SandboxIdentifiers.mpesaReceipt()
        #expect(receipt.count == 10 && receipt.allSatisfy { $0.isUppercase || $0.isNumber })
        #expect(SandboxIdentifiers.checkoutRequestID(now: 0).hasPrefix("ws_CO_01011970030000"))
        #expect(NairobiTime(unix: 1_668_689_865).compact == "20221117155745")
        #expect(SandboxIdentifiers.stripe("pi").hasPrefix("pi_"))
        #expect(StripeEndpoint.masked("sk_test_wrongkey1234") == "sk_test_********1234")
    }

    @Test func stripeFormReadsBrackets() throws {
        let form = StripeForm("amount=100&metadata%5Border_id%5D=o+1&expand[]=latest_charge&payment_method_types[0]=card")
        #expect(form["amount"] == "100")
        #expect(form.dictionary("metadata") == ["order_id": "o 1"])
        #expect(form.list("expand") == ["latest_charge"])
        #expect(form.list("payment_method_types") == ["card"])
        #expect(throws: StripeError.self) { try form.check(names: ["amount"], families: ["metadata"]) }
        try form.check(names: ["amount"], families: ["metadata", "expand", "payment_method_types"])
        #expect(StripeForm("b=2&a=1").fingerprint == StripeForm("a=1&b=2").fingerprint)
    }
}
