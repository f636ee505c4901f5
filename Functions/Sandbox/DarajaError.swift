import SokoFunctions

/// A Daraja request-level failure, answered in Daraja's envelope
/// `{"requestId","errorCode","errorMessage"}` with the HTTP status the code starts with.
struct DarajaError: Error, Equatable {
    var status: Int
    var code: String
    var message: String

    /// `400.002.02 Bad Request - Invalid <field>`: a field of an STK push or query is wrong.
    static func invalid(_ field: String) -> DarajaError {
        DarajaError(status: 400, code: "400.002.02", message: "Bad Request - Invalid \(field)")
    }

    /// The body is not a JSON object.
    static let invalidPayload = DarajaError(status: 400, code: "400.002.05", message: "Invalid Request Payload")
    /// The token endpoint's Basic credentials are missing or wrong.
    static let invalidAuthentication = DarajaError(
        status: 400, code: "400.008.01", message: "Invalid Authentication passed")
    static let invalidGrantType = DarajaError(status: 400, code: "400.008.02", message: "Invalid grant type passed")
    /// No `Authorization: Bearer …` header at all.
    static let invalidAuthenticationHeader = DarajaError(
        status: 404, code: "404.001.04", message: "Invalid Authentication Header")
    /// A bearer token the sandbox never issued, or one past its expiry.
    static let invalidAccessToken = DarajaError(status: 404, code: "404.001.03", message: "Invalid Access Token")
    /// `Password` is not base64(shortcode + passkey + timestamp).
    static let wrongCredentials = DarajaError(status: 500, code: "500.001.1001", message: "Wrong credentials")
    /// A query before the outcome is known.
    static let beingProcessed = DarajaError(
        status: 500, code: "500.001.1001", message: "The transaction is being processed")

    var response: FunctionResponse {
        var json = JSONBuffer(capacity: 128)
        json.openObject()
        json.key("requestId")
        json.string(SandboxIdentifiers.darajaRequestID())
        json.key("errorCode")
        json.string(code)
        json.key("errorMessage")
        json.string(message)
        json.closeObject()
        return FunctionResponse(json: json, status: status)
    }
}

/// Answers a Daraja endpoint: its result, or its ``DarajaError`` in Daraja's envelope. Anything else
/// thrown (a store failure) is a 500 in the same envelope, as Daraja's own internal errors are.
enum DarajaEndpoint {
    static func answer(
        _ context: FunctionContext, _ body: () async throws -> FunctionResponse
    ) async -> FunctionResponse {
        do {
            return try await body()
        } catch let error as DarajaError {
            return error.response
        } catch {
            context.logger.error("sandbox daraja: \(error)")
            return DarajaError(status: 500, code: "500.003.02", message: "Internal Server Error").response
        }
    }
}
