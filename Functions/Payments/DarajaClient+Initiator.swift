import SokoFunctions

/// The body of the Daraja APIs an API operator runs (reversal, transaction status): the operator's
/// name and encrypted credential, the command, the M-Pesa transaction it is about, where the
/// asynchronous result goes (`ResultURL`, `QueueTimeOutURL`), and each API's own parties (left out
/// of the JSON when nil).
extension DarajaClient {
    struct InitiatorRequest: Encodable {
        var initiator: String
        var securityCredential: String
        var commandID: String
        var transactionID: String
        /// Reversal: whole shillings, the receiver (the shop's shortcode) and its type (`11`, an organisation).
        var amount: Int?
        var receiverParty: String?
        var receiverIdentifierType: String?
        /// Transaction status: the shortcode asking, and its type (`4`, an organisation shortcode).
        var partyA: String?
        var identifierType: String?
        var resultURL: String
        var queueTimeOutURL: String
        var remarks: String
        var occasion: String

        // "RecieverIdentifierType" is Daraja's own spelling.
        enum CodingKeys: String, CodingKey {
            case initiator = "Initiator"
            case securityCredential = "SecurityCredential"
            case commandID = "CommandID"
            case transactionID = "TransactionID"
            case amount = "Amount"
            case receiverParty = "ReceiverParty"
            case receiverIdentifierType = "RecieverIdentifierType"
            case partyA = "PartyA"
            case identifierType = "IdentifierType"
            case resultURL = "ResultURL"
            case queueTimeOutURL = "QueueTimeOutURL"
            case remarks = "Remarks"
            case occasion = "Occasion"
        }

        /// The shop's operator running `command` on `transactionID`, results to `resultURL` and `timeoutURL`.
        init(
            _ settings: PaymentsSettings, command: String, transactionID: String, resultURL: String, timeoutURL: String,
            remarks: String
        ) {
            initiator = settings.darajaInitiatorName
            securityCredential = settings.darajaSecurityCredential
            commandID = command
            self.transactionID = transactionID
            self.resultURL = resultURL
            queueTimeOutURL = timeoutURL
            self.remarks = String(remarks.prefix(100))
            occasion = self.remarks
        }
    }
}
