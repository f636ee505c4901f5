import Testing

@testable import Cart

@Test func bundleNamesItsService() {
    #expect(CartBundle.service == "cart")
}
