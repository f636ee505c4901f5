/// A Reversal request body (`POST /mpesa/reversal/v1/request`), checked field by field as Daraja
/// checks it; the initiator's credentials are judged later, in the asynchronous result (as
/// Daraja does: a wrong credential is ResultCode 2001, not a synchronous error).
struct ReversalRequest: Equatable, Sendable {
    var initiator: String
    var securityCredential: String
    var transactionID: String
    var amount: Int
    var receiverParty: String
    var resultURL: String
    var timeoutURL: String
    var remarks: String

    /// - Throws: ``DarajaError`` (`400.002.05` for a body that is not an object, `400.002.02`
    ///   naming the first bad field).
    init(body: [UInt8], callbackHosts: Set<String>?) throws(DarajaError) {
        let fields = try DarajaFields(body: body)
        guard let initiator = fields.text("Initiator"), !initiator.isEmpty else { throw .invalid("Initiator") }
        guard let credential = fields.text("SecurityCredential"), !credential.isEmpty else {
            throw .invalid("SecurityCredential")
        }
        guard fields.text("CommandID") == "TransactionReversal" else { throw .invalid("CommandID") }
        guard let transaction = fields.text("TransactionID"), (8...20).contains(transaction.count),
            transaction.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
        else { throw .invalid("TransactionID") }
        guard let amountText = fields.text("Amount"), let amount = Int(amountText),
            (1...StkPushRequest.maximumAmount).contains(amount)
        else { throw .invalid("Amount") }
        guard let party = fields.text("ReceiverParty"), StkPushRequest.isShortCode(party) else {
            throw .invalid("ReceiverParty")
        }
        // Daraja's own spelling; 11 (an organisation) or 4 (a shortcode).
        guard let type = fields.text("RecieverIdentifierType"), ["11", "4"].contains(type) else {
            throw .invalid("RecieverIdentifierType")
        }
        guard let result = fields.text("ResultURL"), CallbackURL.isAcceptable(result, hosts: callbackHosts) else {
            throw .invalid("ResultURL")
        }
        guard let timeout = fields.text("QueueTimeOutURL"), CallbackURL.isAcceptable(timeout, hosts: callbackHosts) else {
            throw .invalid("QueueTimeOutURL")
        }
        guard let remarks = fields.text("Remarks"), (2...100).contains(remarks.count) else { throw .invalid("Remarks") }
        self.initiator = initiator
        securityCredential = credential
        transactionID = transaction
        self.amount = amount
        receiverParty = party
        resultURL = result
        timeoutURL = timeout
        self.remarks = remarks
    }
}
