import Contracts
import Foundation
import SokoFunctions
import Testing

@testable import Payments

@Suite("Daraja formats")
struct DarajaTests {
    /// The official sample request's Password (integrations.md §1.3), decoded and re-encoded locally.
    @Test func passwordMatchesTheDocumentedVector() {
        let password = DarajaPassword(
            shortcode: "174379", passkey: PaymentsSettings.sandboxPasskey, timestamp: "20160216165627")
        #expect(
            password.password
                == "MTc0Mzc5YmZiMjc5ZjlhYTliZGJjZjE1OGU5N2RkNzFhNDY3Y2QyZTBjODkzMDU5YjEwZjc4ZTZiNzJhZGExZWQyYzkxOTIwMTYwMjE2MTY1NjI3"
        )
        #expect(password.timestamp == "20160216165627")
    }

    @Test func timestampIsNairobiTimeAndTheSameInThePassword() {
        // 2016-02-16T13:56:27Z is 16:56:27 in Nairobi (UTC+3).
        #expect(DarajaPassword.timestamp(unixTime: 1_455_630_987) == "20160216165627")
        // Across midnight and a year end.
        #expect(DarajaPassword.timestamp(unixTime: 1_704_056_400) == "20240101000000")
        let password = DarajaPassword(shortcode: "174379", passkey: "pk", unixTime: 1_455_630_987)
        #expect(String(decoding: Data(base64Encoded: password.password)!, as: UTF8.self) == "174379pk" + password.timestamp)
    }

    @Test(arguments: [
        ("0712345678", "254712345678"), ("0112345678", "254112345678"), ("+254712345678", "254712345678"),
        ("254712345678", "254712345678"), ("+254 712 345 678", "254712345678"), ("0712-345-678", "254712345678"),
        ("254708374149", "254708374149"), ("+254112345678", "254112345678"),
    ])
    func phoneNumbersAreNormalised(input: String, msisdn: String) {
        #expect(MpesaPhone(input)?.msisdn == msisdn)
    }

    @Test(arguments: [
        "", "712345678", "0812345678", "07123456789", "071234567", "+255712345678", "25471234567a", "0712 34567",
        "+2547123456789", "254012345678", "phone", "+", "00254712345678", "٠712345678",
    ])
    func otherNumbersAreRefused(input: String) {
        #expect(MpesaPhone(input) == nil)
    }

    @Test func phonesAreMaskedInLogs() {
        #expect(MpesaPhone("0712345678")?.masked == "25471****678")
    }

    @Test(arguments: [(0, 0), (1, 1), (100, 1), (101, 2), (153_450, 1535), (153_400, 1534), (199, 2)])
    func amountsRoundUpToWholeShillings(minor: Int, shillings: Int) {
        #expect(MpesaPayment.wholeShillings(minor) == shillings)
    }

    @Test func accountReferenceFitsTwelveCharacters() {
        let reference = MpesaPayment.accountReference(orderID: "3f2a9c1e-7b4d-4e8f-9a0b-1c2d3e4f5a6b")
        #expect(reference == "SOKO3F2A9C1E")
        #expect(reference.count <= MpesaPayment.accountReferenceLimit)
        #expect("Soko order".count <= MpesaPayment.descriptionLimit)
    }

    @Test func tokenAnswersWithAStringOrNumberLifetimeDecode() throws {
        let string = try JSONCoding.decode(
            DarajaClient.TokenAnswer.self, from: Array(#"{"access_token":"a","expires_in":"3599"}"#.utf8))
        #expect(string.expiresIn == 3599)
        let number = try JSONCoding.decode(
            DarajaClient.TokenAnswer.self, from: Array(#"{"access_token":"a","expires_in":3599}"#.utf8))
        #expect(number.expiresIn == 3599)
    }
}

@Suite("Daraja callbacks")
struct DarajaCallbackParsingTests {
    static func parse(_ text: String) -> MpesaCallbackBody? {
        (try? JSONCoding.decode(JSONValue.self, from: Array(text.utf8))).flatMap(MpesaCallbackBody.init)
    }

    @Test func successMetadataIsReadByName() throws {
        let body = try #require(Self.parse(CallbackSamples.success(checkout: "ws_CO_1", amount: "1.00")))
        #expect(body.resultCode == 0)
        #expect(body.checkoutRequestID == "ws_CO_1")
        #expect(body.amount == 1)
        #expect(body.receipt == "QKH94M1Z11")
        #expect(body.phoneNumber == "254796440427")
        #expect(body.transactionDate == "20221117155745")
        #expect(body.metadata["Balance"] == nil)  // present without a Value
    }

    @Test func itemsInAnotherOrderAndAnIntegerAmount() throws {
        let text = #"""
            {"Body":{"stkCallback":{"MerchantRequestID":"m","CheckoutRequestID":"ws_CO_2","ResultCode":0,"ResultDesc":"ok",
            "CallbackMetadata":{"Item":[{"Name":"PhoneNumber","Value":254708374149},{"Name":"MpesaReceiptNumber","Value":"R2"},
            {"Name":"TransactionDate","Value":20240101120000},{"Name":"Amount","Value":1535}]}}}}
            """#
        let body = try #require(Self.parse(text))
        #expect(body.amount == 1535)
        #expect(body.receipt == "R2")
    }

    @Test func aFractionalAmountIsNoAmount() throws {
        let body = try #require(Self.parse(CallbackSamples.success(checkout: "c", amount: "1.50")))
        #expect(body.amount == nil)
    }

    @Test(arguments: [1032, 1037, 1, 2001, 1019, 9999])
    func failuresCarryNoMetadata(code: Int) throws {
        let body = try #require(Self.parse(CallbackSamples.failure(checkout: "ws_CO_3", code: code)))
        #expect(body.resultCode == code)
        #expect(body.metadata.isEmpty)
        #expect(body.amount == nil)
    }

    @Test func otherJSONIsNotACallback() {
        #expect(Self.parse(#"{"Body":{}}"#) == nil)
        #expect(Self.parse(#"[1,2]"#) == nil)
        #expect(Self.parse(#"{"Body":{"stkCallback":{"ResultCode":0}}}"#) == nil)
    }
}

/// Daraja callback bodies shaped like the captured ones in integrations.md §1.6.
enum CallbackSamples {
    static func success(checkout: String, amount: String, receipt: String = "QKH94M1Z11") -> String {
        #"""
        {"Body":{"stkCallback":{"MerchantRequestID":"29115-34620561-1","CheckoutRequestID":"\#(checkout)",
        "ResultCode":0,"ResultDesc":"The service request is processed successfully.",
        "CallbackMetadata":{"Item":[{"Name":"Amount","Value":\#(amount)},{"Name":"MpesaReceiptNumber","Value":"\#(receipt)"},
        {"Name":"Balance"},{"Name":"TransactionDate","Value":20221117155745},{"Name":"PhoneNumber","Value":254796440427}]}}}}
        """#
    }

    static let descriptions = [
        1032: "Request cancelled by user", 1037: "DS timeout user cannot be reached", 1: "The balance is insufficient",
        2001: "The initiator information is invalid.",
    ]

    static func failure(checkout: String, code: Int) -> String {
        #"""
        {"Body":{"stkCallback":{"MerchantRequestID":"29115-34620561-1","CheckoutRequestID":"\#(checkout)",
        "ResultCode":\#(code),"ResultDesc":"\#(descriptions[code] ?? "Unknown")"}}}
        """#
    }
}
