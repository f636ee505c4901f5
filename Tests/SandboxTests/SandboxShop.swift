import Foundation
import ShopTesting
import SokoFunctions
import SokoTesting
import Testing

@testable import Sandbox

/// The shop with the sandbox on fresh stores, and shortcuts for the gateways' calls.
struct SandboxShop {
    let shop: ShopHost

    static func start(_ environment: [String: String] = [:]) async throws -> SandboxShop {
        SandboxShop(shop: try await ShopHost.start(environment: environment))
    }

    func shutdown() async { #expect(await shop.shutdown()) }

    var store: Store { shop.store("sandbox") }

    // MARK: Daraja

    static let basic = "Basic " + Data("sandbox-key:sandbox-secret".utf8).base64EncodedString()

    func darajaToken() async throws -> String {
        let response = await shop.request(
            "GET", "/_sandbox/daraja/oauth/v1/generate?grant_type=client_credentials",
            headers: [("Authorization", Self.basic)])
        guard response.status == 200 else { throw ShopTestError("token: \(response.status) \(response.text)") }
        return try response.object()["access_token"]?.stringValue ?? ""
    }

    static let timestamp = "20240105103000"

    /// An STK push body for `phone` with the right password; `changes` overrides fields.
    static func push(phone: String = "254708374149", amount: JSONValue = .integer(1), _ changes: [String: JSONValue] = [:])
        -> [UInt8]
    {
        var body: [String: JSONValue] = [
            "BusinessShortCode": .integer(174379),
            "Password": .string(
                DarajaPassword.make(shortCode: "174379", passkey: SandboxSettings.publicPasskey, timestamp: timestamp)),
            "Timestamp": .string(timestamp), "TransactionType": .string("CustomerPayBillOnline"), "Amount": amount,
            "PartyA": .string(phone), "PartyB": .integer(174379), "PhoneNumber": .string(phone),
            "CallBackURL": .string("http://127.0.0.1:8080/webhooks/mpesa/tok123"),
            "AccountReference": .string("ORDER12345"), "TransactionDesc": .string("Soko order"),
        ]
        body.merge(changes) { _, new in new }
        return try! JSONCoding.encode(JSONValue.object(body))
    }

    func daraja(_ path: String, token: String?, body: [UInt8]) async -> TestResponse {
        await shop.request(
            "POST", "/_sandbox/daraja/mpesa/" + path, headers: token.map { [("Authorization", "Bearer \($0)")] } ?? [],
            body: body)
    }

    static func query(_ checkoutID: String, timestamp: String = timestamp) -> [UInt8] {
        let password = DarajaPassword.make(shortCode: "174379", passkey: SandboxSettings.publicPasskey, timestamp: timestamp)
        return Array(
            #"{"BusinessShortCode":"174379","Password":"\#(password)","Timestamp":"\#(timestamp)","CheckoutRequestID":"\#(checkoutID)"}"#
                .utf8)
    }

    // MARK: Stripe

    static let stripeKey = "sk_test_sandbox"

    func stripe(
        _ method: String, _ path: String, form: String = "", key: String? = stripeKey, headers: [(String, String)] = []
    ) async -> TestResponse {
        var fields = headers
        if let key { fields.append(("Authorization", "Bearer \(key)")) }
        if method == "POST" { fields.append(("Content-Type", "application/x-www-form-urlencoded")) }
        return await shop.request(method, "/_sandbox/stripe/v1" + path, headers: fields, body: Array(form.utf8))
    }

    /// A new PaymentIntent for KES 150.00; returns its JSON.
    func paymentIntent(amount: Int = 15000) async throws -> [String: JSONValue] {
        let response = await stripe("POST", "/payment_intents", form: "amount=\(amount)&currency=kes&metadata[order_id]=o1")
        guard response.status == 200 else { throw ShopTestError("create: \(response.status) \(response.text)") }
        return try response.object()
    }
}

extension TestResponse {
    func object() throws -> [String: JSONValue] {
        guard case .object(let object) = try JSONCoding.decode(JSONValue.self, from: body) else {
            throw ShopTestError("not a JSON object: \(text)")
        }
        return object
    }

    /// Stripe's `error` object.
    func stripeError() throws -> [String: JSONValue] { try object()["error"]?.objectValue ?? [:] }
}

extension JSONValue {
    var stringValue: String? { if case .string(let value) = self { value } else { nil } }
    var intValue: Int? { if case .integer(let value) = self { Int(value) } else { nil } }
    var boolValue: Bool? { if case .bool(let value) = self { value } else { nil } }
    var objectValue: [String: JSONValue]? { if case .object(let value) = self { value } else { nil } }
    var arrayValue: [JSONValue]? { if case .array(let value) = self { value } else { nil } }
    subscript(_ key: String) -> JSONValue? { objectValue?[key] }
}

/// An outgoing HTTP client that records what it is asked to send and answers `status`.
struct RecordingOutgoing: OutgoingHTTP {
    let status: Int
    let sent: AsyncStream<OutgoingRequest>
    private let continuation: AsyncStream<OutgoingRequest>.Continuation

    init(status: Int = 200) {
        self.status = status
        (sent, continuation) = AsyncStream.makeStream()
    }

    func send(_ request: OutgoingRequest, deadline: ContinuousClock.Instant) async throws -> OutgoingResponse {
        continuation.yield(request)
        return OutgoingResponse(status: status, body: Array(#"{"ResultCode":0,"ResultDesc":"Accepted"}"#.utf8))
    }
}

/// A context for the sandbox as the host would make it, with `outgoing` as its client.
func sandboxContext(
    _ shop: SandboxShop, function: String, request: FunctionRequest, outgoing: any OutgoingHTTP
) -> FunctionContext {
    FunctionContext(
        requestID: "sandbox-test", deadline: .now + .seconds(5), service: "sandbox", function: function,
        request: request, store: shop.store, outgoing: outgoing, logger: Logger(label: "sandbox-test"))
}
