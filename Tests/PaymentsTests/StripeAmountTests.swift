import Testing

@testable import Payments

@Suite("Stripe amounts")
struct StripeAmountTests {
    @Test(arguments: [
        (153_450, "KES", 153_450), (1000, "usd", 1000), (500, "JPY", 500), (500, "jpy", 500), (12_000, "UGX", 12_000),
        (5, "ISK", 500), (1234, "KWD", 1240), (1230, "BHD", 1230),
    ])
    func minorUnitsToStripe(minor: Int, currency: String, stripe: Int) {
        #expect(StripeAmount.stripe(minor: minor, currency: currency) == stripe)
    }

    @Test func unknownCurrenciesAreRefusedNotGuessed() {
        #expect(StripeAmount.stripe(minor: 100, currency: "XYZ") == nil)
        #expect(StripeAmount.minor(stripe: 100, currency: "XYZ") == nil)
    }

    @Test func refundsReportedByStripeComeBack() {
        #expect(StripeAmount.minor(stripe: 500, currency: "isk") == 5)
        #expect(StripeAmount.minor(stripe: 153_450, currency: "kes") == 153_450)
    }
}
