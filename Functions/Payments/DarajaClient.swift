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

    /// STK Query's answer: `ResultCode` is a string here (a number in the callback).
    struct QueryAnswer: Decodable, Sendable {
        var resultCode: String?
        var resultDesc: String?
        enum CodingKeys: String, CodingKey {
            case resultCode = "ResultCode"
            case resultDesc = "ResultDesc"
        }
    }

    /// Daraja's error envelope (`{"requestId", "errorCode", "errorMessage"}`), and the fields of its
    /// acknowledgements that say whether it took the request.
    struct ErrorEnvelope: Decodable {
        var errorCode: String?
        var errorMessage: String?
        /// Present in Daraja's acknowledgements, also the refusing ones.
        var responseCode: String?
        var responseDescription: String?
        var customerMessage: String?
        enum CodingKeys: String, CodingKey {
            case errorCode, errorMessage
            case responseCode = "ResponseCode"
            case responseDescription = "ResponseDescription"
            case customerMessage = "CustomerMessage"
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
        switch try await call(
            "/mpesa/stkpush/v1/processrequest", body, as: PushAccepted.self, idempotent: false, context: context)
        {
        case .accepted(let accepted): return .accepted(accepted)
        case .refused(let status, let code, let detail): return .refused(status: status, code: code, detail: detail)
        case .unknown(_, let detail): return .unknown(detail)
        }
    }

    /// Asks Daraja how the push `checkoutRequestID` ended. Safe to repeat (it changes nothing).
    func query(checkoutRequestID: String, context: FunctionContext) async throws -> QueryOutcome {
        let password = DarajaPassword(
            shortcode: settings.darajaShortcode, passkey: settings.darajaPasskey, unixTime: context.now.unixSeconds)
        let body = QueryRequest(
            businessShortCode: settings.darajaShortcode, password: password.password, timestamp: password.timestamp,
            checkoutRequestID: checkoutRequestID)
        let answer = try await call(
            "/mpesa/stkpushquery/v1/query", body, as: QueryAnswer.self, idempotent: true, context: context)
        // Daraja answers 500 "The transaction is being processed" while the customer decides.
        guard case .accepted(let result) = answer, let code = result.resultCode else {
            switch answer {
            case .refused(_, _, let detail), .unknown(_, let detail): return .unknown(detail)
            case .accepted: return .unknown("no ResultCode in the answer")
            }
        }
        switch code {
        case "0": return .paid
        case "4999": return .unknown(result.resultDesc ?? "still under processing")
        default: return .failed(code: code, description: result.resultDesc ?? "")
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
