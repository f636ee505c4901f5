import Testing

@testable import Catalog

@Test func bundleNamesItsService() {
    #expect(CatalogBundle.service == "catalog")
}
