/// A Reversal request body (`POST /mpesa/reversal/v1/request`), checked field by field as Daraja
/// checks it: the initiator's fields (``InitiatorRequest``), then the amount and the receiver.
struct ReversalRequest: Equatable, Sendable {
    var initiator: InitiatorRequest
    var amount: Int
    var receiverParty: String

    var transactionID: String { initiator.transactionID }
    var resultURL: String { initiator.resultURL }
    var timeoutURL: String { initiator.timeoutURL }

    /// - Throws: ``DarajaError`` (`400.002.05` for a body that is not an object, `400.002.02`
    ///   naming the first bad field).
    init(body: [UInt8], callbackHosts: Set<String>?) throws(DarajaError) {
        let fields = try DarajaFields(body: body)
        initiator = try InitiatorRequest(fields, command: "TransactionReversal", callbackHosts: callbackHosts)
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
        self.amount = amount
        receiverParty = party
    }
}
