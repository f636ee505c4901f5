/// The fields the Daraja APIs run by an initiator (reversal, transaction status) share, checked as
/// Daraja checks them: the operator's name and credential (judged later, in the asynchronous
/// result: a wrong one is ResultCode 2001, not a synchronous error), the command, the M-Pesa
/// transaction named, the two callback URLs and the remarks.
struct InitiatorRequest: Equatable, Sendable {
    var initiator: String
    var securityCredential: String
    var transactionID: String
    var resultURL: String
    var timeoutURL: String
    var remarks: String

    /// - Throws: ``DarajaError`` `400.002.02` naming the first bad field.
    init(_ fields: DarajaFields, command: String, callbackHosts: Set<String>?) throws(DarajaError) {
        guard let initiator = fields.text("Initiator"), !initiator.isEmpty else { throw .invalid("Initiator") }
        guard let credential = fields.text("SecurityCredential"), !credential.isEmpty else {
            throw .invalid("SecurityCredential")
        }
        guard fields.text("CommandID") == command else { throw .invalid("CommandID") }
        guard let transaction = fields.text("TransactionID"), (8...20).contains(transaction.count),
            transaction.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
        else { throw .invalid("TransactionID") }
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
        resultURL = result
        timeoutURL = timeout
        self.remarks = remarks
    }

    /// Whether the initiator is the sandbox's operator.
    func isOperator(_ settings: SandboxSettings) -> Bool {
        initiator == settings.darajaInitiatorName && securityCredential == settings.darajaSecurityCredential
    }
}
