import Foundation
import SokoFunctions
import Synchronization

/// An ``OutgoingHTTP`` that answers from a closure and records every request: Daraja and Stripe as
/// the tests need them, without a network.
final class FakeGateway: OutgoingHTTP {
    private let recorded = Mutex<[OutgoingRequest]>([])
    private let answer: Mutex<@Sendable (OutgoingRequest) throws -> OutgoingResponse>

    init(_ answer: @escaping @Sendable (OutgoingRequest) throws -> OutgoingResponse = FakeGateway.daraja()) {
        self.answer = Mutex(answer)
    }

    func send(_ request: OutgoingRequest, deadline: ContinuousClock.Instant) async throws -> OutgoingResponse {
        recorded.withLock { $0.append(request) }
        let answer = self.answer.withLock { $0 }
        return try answer(request)
    }

    /// Replaces the answering closure.
    func answer(_ answer: @escaping @Sendable (OutgoingRequest) throws -> OutgoingResponse) {
        self.answer.withLock { $0 = answer }
    }

    var requests: [OutgoingRequest] { recorded.withLock { $0 } }

    /// Requests whose URL contains `part`.
    func requests(to part: String) -> [OutgoingRequest] { requests.filter { $0.url.contains(part) } }

    /// 1, 2, 3, … on successive calls, from any task: numbers for a fake's ids.
    static func counter() -> @Sendable () -> Int {
        let count = Mutex(0)
        return {
            count.withLock { value in
                value += 1
                return value
            }
        }
    }

    static func json(_ text: String, status: Int = 200) -> OutgoingResponse {
        OutgoingResponse(status: status, headers: ["Content-Type": "application/json"], body: Array(text.utf8))
    }

    /// Daraja: a token, accepted pushes (`ws_CO_<n>`), and `queryResult` for every STK query.
    static func daraja(queryResult: String = "0") -> @Sendable (OutgoingRequest) throws -> OutgoingResponse {
        let counter = Mutex(0)
        return { request in
            if request.url.contains("/oauth/v1/generate") {
                return json(#"{"access_token":"daraja-token","expires_in":"3599"}"#)
            }
            if request.url.contains("/stkpush/v1/processrequest") {
                let n = counter.withLock { value in
                    value += 1
                    return value
                }
                return json(
                    #"{"MerchantRequestID":"29115-3462-\#(n)","CheckoutRequestID":"ws_CO_\#(n)_\#(UUID().uuidString.prefix(8))","#
                        + #""ResponseCode":"0","ResponseDescription":"Success. Request accepted for processing","#
                        + #""CustomerMessage":"Success. Request accepted for processing"}"#)
            }
            if request.url.contains("/stkpushquery/v1/query") {
                if queryResult == "processing" {
                    return json(
                        #"{"requestId":"r-1","errorCode":"500.001.1001","errorMessage":"The transaction is being processed"}"#,
                        status: 500)
                }
                return json(
                    #"{"ResponseCode":"0","ResponseDescription":"The service request has been accepted successsfully","#
                        + #""MerchantRequestID":"m","CheckoutRequestID":"c","ResultCode":"\#(queryResult)","ResultDesc":"done"}"#)
            }
            return json(#"{"error":"unexpected"}"#, status: 404)
        }
    }

    /// Stripe: PaymentIntents (`pi_<n>`), charges with card 4242, refunds.
    static func stripe() -> @Sendable (OutgoingRequest) throws -> OutgoingResponse {
        let counter = Mutex(0)
        return { request in
            let n = counter.withLock { value in
                value += 1
                return value
            }
            if request.url.hasSuffix("/v1/payment_intents") {
                return json(
                    #"{"id":"pi_\#(n)","object":"payment_intent","client_secret":"pi_\#(n)_secret_x","status":"requires_payment_method"}"#
                )
            }
            if request.url.contains("/v1/charges/") {
                return json(#"{"id":"ch_1","object":"charge","payment_method_details":{"card":{"last4":"4242","brand":"visa"}}}"#)
            }
            if request.url.hasSuffix("/v1/refunds") {
                let form = String(decoding: request.body, as: UTF8.self)
                let amount = form.split(separator: "&").first { $0.hasPrefix("amount=") }?.dropFirst(7) ?? "0"
                return json(#"{"id":"re_\#(n)","object":"refund","amount":\#(amount),"status":"succeeded"}"#)
            }
            return json(#"{"error":{"message":"unexpected"}}"#, status: 404)
        }
    }
}

extension OutgoingRequest {
    /// The JSON body as an object.
    var jsonObject: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
    }

    /// The form body's fields, decoded.
    var formFields: [String: String] {
        var fields: [String: String] = [:]
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            let decode = { (text: String) in text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? text }
            fields[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }
}
