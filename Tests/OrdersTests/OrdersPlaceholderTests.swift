import Testing

@testable import Orders

@Test func bundleNamesItsService() {
    #expect(OrdersBundle.service == "orders")
}
