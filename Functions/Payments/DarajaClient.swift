import Contracts
import Glibc
import SokoFunctions

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Daraja's Lipa na M-Pesa Online API over the host's outgoing HTTP client: OAuth token (cached),
/// STK push and STK push query. Wire formats: `../shared/reference/integrations.md` §1.
struct DarajaClient: Sendable {
    let settings: PaymentsSettings
    let tokens: DarajaTokenCache

    /// Daraja's answer to an STK push it accepted: the push is on its way to the phone.
    struct PushAccepted: Decodable, Sendable {
        var merchantRequestID: String
        var checkoutRequestID: String
        var responseCode: String
        var customerMessage: String?
        enum CodingKeys: String, CodingKey {
            case merchantRequestID = "MerchantRequestID"
            case checkoutRequestID = "CheckoutRequestID"
            case responseCode = "ResponseCode"
            case customerMessage = "CustomerMessage"
        }
    }

    /// What an STK push came to.
    enum PushOutcome: Sendable {
        case accepted(PushAccepted)
        /// Daraja answered and refused (`detail` is its message); nothing was sent to the phone.
        case refused(status: Int, code: String?, detail: String)
        /// Something other than Daraja answered (a proxy's 502/504, a 408, a 200 that is not
        /// Daraja's acknowledgement): the push may have reached the phone, so it is not a refusal.
        case unknown(String)
    }

    /// What STK Query says about a push.
    enum QueryOutcome: Sendable, Equatable {
        /// `ResultCode "0"`: paid.
        case paid
        /// A final non-zero result code (cancelled, timed out, wrong PIN, …).
        case failed(code: String, description: String)
        /// Still being processed, or no usable answer: ask again later.
        case unknown(String)
    }

    struct PushRequest: Encodable {
        var businessShortCode: String
        var password: String
        var timestamp: String
        var transactionType = "CustomerPayBillOnline"
        var amount: Int
        var partyA: String
        var partyB: String
        var phoneNumber: String
        var callBackURL: String
        var accountReference: String
        var transactionDesc: String
        enum CodingKeys: String, CodingKey {
            case businessShortCode = "BusinessShortCode"
            case password = "Password"
            case timestamp = "Timestamp"
            case transactionType = "TransactionType"
            case amount = "Amount"
            case partyA = "PartyA"
            case partyB = "PartyB"
            case phoneNumber = "PhoneNumber"
            case callBackURL = "CallBackURL"
            case accountReference = "AccountReference"
            case transactionDesc = "TransactionDesc"
        }
    }

    struct QueryRequest: Encodable {
        var businessShortCode: String
        var password: String
        var timestamp: String
        var checkoutRequestID: String
        enum CodingKeys: String, CodingKey {
            case businessShortCode = "BusinessShortCode"
            case password = "Password"
            case timestamp = "Timestamp"
            case checkoutRequestID = "CheckoutRequestID"
        }
    }

    /// Daraja's error envelope (`{"requestId", "errorCode", "errorMessage"}`).
    struct ErrorEnvelope: Decodable {
        var errorCode: String?
        var errorMessage: String?
        /// Present in Daraja's acknowledgements, also the refusing ones.
        var responseCode: String?
        enum CodingKeys: String, CodingKey {
            case errorCode, errorMessage
            case responseCode = "ResponseCode"
        }
    }

    /// Sends the STK push. Not retried: a push has no idempotency key, and a second one would
    /// prompt the customer twice. A transport failure or timeout throws ``OutgoingError``; both it
    /// and ``PushOutcome/unknown(_:)`` mean the outcome is unknown, never that the push failed.
    func push(
        amount: Int, phone: MpesaPhone, callbackURL: String, accountReference: String, description: String,
        context: FunctionContext
    ) async throws -> PushOutcome {
        let password = DarajaPassword(
            shortcode: settings.darajaShortcode, passkey: settings.darajaPasskey, unixTime: context.now.unixSeconds)
        let body = PushRequest(
            businessShortCode: settings.darajaShortcode, password: password.password, timestamp: password.timestamp,
            amount: amount, partyA: phone.msisdn, partyB: settings.darajaShortcode, phoneNumber: phone.msisdn,
            callBackURL: callbackURL, accountReference: accountReference, transactionDesc: description)
        let response = try await authorised(context: context) { token in
            try OutgoingRequest.json(
                "POST", settings.darajaBaseURL + "/mpesa/stkpush/v1/processrequest", body,
                headers: ["Authorization": "Bearer \(token)"], idempotent: false)
        }
        let accepted = try? response.json(PushAccepted.self)
        if response.status == 200, let accepted, accepted.responseCode == "0" {
            return .accepted(accepted)
        }
        let envelope = try? response.json(ErrorEnvelope.self)
        // Only Daraja's own refusal (its error envelope, or its acknowledgement with a non-zero
        // ResponseCode) proves nothing went to the phone; anything else may hide an accepted push.
        let fromDaraja = envelope?.errorCode != nil || envelope?.responseCode != nil
        if !fromDaraja, response.status == 200 || response.status == 408 || response.status >= 500 {
            return .unknown("HTTP \(response.status) without Daraja's answer")
        }
        let detail =
            envelope?.errorMessage ?? (try? response.json(PushAccepted.self))?.customerMessage ?? "HTTP \(response.status)"
        return .refused(status: response.status, code: envelope?.errorCode, detail: detail)
    }

    /// Asks Daraja how the push `checkoutRequestID` ended. Safe to repeat (it changes nothing).
    func query(checkoutRequestID: String, context: FunctionContext) async throws -> QueryOutcome {
        struct Answer: Decodable {
            var responseCode: String?
            var resultCode: String?
            var resultDesc: String?
            enum CodingKeys: String, CodingKey {
                case responseCode = "ResponseCode"
                case resultCode = "ResultCode"
                case resultDesc = "ResultDesc"
            }
        }
        let password = DarajaPassword(
            shortcode: settings.darajaShortcode, passkey: settings.darajaPasskey, unixTime: context.now.unixSeconds)
        let body = QueryRequest(
            businessShortCode: settings.darajaShortcode, password: password.password, timestamp: password.timestamp,
            checkoutRequestID: checkoutRequestID)
        let response = try await authorised(context: context) { token in
            try OutgoingRequest.json(
                "POST", settings.darajaBaseURL + "/mpesa/stkpushquery/v1/query", body,
                headers: ["Authorization": "Bearer \(token)"], idempotent: true)
        }
        guard response.status == 200, let answer = try? response.json(Answer.self), let code = answer.resultCode else {
            // Daraja answers 500 "The transaction is being processed" while the customer decides.
            let envelope = try? response.json(ErrorEnvelope.self)
            return .unknown(envelope?.errorMessage ?? "HTTP \(response.status)")
        }
        switch code {
        case "0": return .paid
        case "4999": return .unknown(answer.resultDesc ?? "still under processing")
        default: return .failed(code: code, description: answer.resultDesc ?? "")
        }
    }

    /// Sends `make(token)`; when Daraja says the token is invalid (401, or `404.001.03`), fetches a
    /// new one and sends once more — the first request was not processed, so this is safe.
    func authorised(
        context: FunctionContext, _ make: (String) throws -> OutgoingRequest
    ) async throws -> OutgoingResponse {
        var token = try await accessToken(context: context)
        var response = try await context.send(try make(token))
        if Self.isInvalidToken(response) {
            await tokens.invalidate(token)
            token = try await accessToken(context: context)
            response = try await context.send(try make(token))
        }
        return response
    }

    static func isInvalidToken(_ response: OutgoingResponse) -> Bool {
        response.status == 401
            || (response.status == 404 && (try? response.json(ErrorEnvelope.self))?.errorCode == "404.001.03")
    }

    /// The cached OAuth token, or a fresh one (`expires_in` is a string in Daraja's answer).
    func accessToken(context: FunctionContext) async throws -> String {
        let settings = settings
        return try await tokens.token {
            let credentials = Data("\(settings.darajaConsumerKey):\(settings.darajaConsumerSecret)".utf8).base64EncodedString()
            let request = OutgoingRequest(
                method: "GET", url: settings.darajaBaseURL + "/oauth/v1/generate?grant_type=client_credentials",
                headers: ["Authorization": "Basic \(credentials)"])
            let response = try await context.send(request)
            guard response.status == 200, let answer = try? response.json(TokenAnswer.self), !answer.accessToken.isEmpty
            else {
                throw OutgoingError(.transport, "Daraja refused the OAuth token request (HTTP \(response.status))")
            }
            return (answer.accessToken, answer.expiresIn ?? 3599)
        }
    }

    struct TokenAnswer: Decodable {
        var accessToken: String
        var expiresIn: Int?
        enum CodingKeys: String, CodingKey {
            case accessToken = "access_token"
            case expiresIn = "expires_in"
        }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            accessToken = try container.decode(String.self, forKey: .accessToken)
            // A string ("3599") in Daraja's answers; a number accepted as well.
            if let text = try? container.decode(String.self, forKey: .expiresIn) {
                expiresIn = Int(text)
            } else {
                expiresIn = try? container.decode(Int.self, forKey: .expiresIn)
            }
        }
    }
}
