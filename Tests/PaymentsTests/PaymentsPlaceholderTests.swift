import Testing

@testable import Payments

@Test func bundleNamesItsService() {
    #expect(PaymentsBundle.service == "payments")
}
