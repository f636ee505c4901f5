import Contracts
import Foundation
import Testing

@testable import Notifications

/// Order emails name a variant's options on its line (docs/commerce.md, "Variants").
@Suite("Variant lines in order mail")
struct VariantMailTests {
    @Test func aVariantsLineShowsItsOptionsInBothParts() async throws {
        let order = TemplateTests.order(lines: [
            OrderLine(
                productID: "p1", sku: "SANDAL-42", name: "Akala Sandals", unitPrice: 80_000, quantity: 1, lineTotal: 80_000,
                variantID: "v42", optionText: "Size: 42 <wide>"),
            OrderLine(productID: "p2", sku: "MUG", name: "Blue mug", unitPrice: 75_000, quantity: 1, lineTotal: 75_000),
        ])
        let parsed = try await TemplateTests.render(MailTemplates.orderConfirmation(order, name: "Ann", shop: "Soko"))
        let text = (parsed.part("text/plain")?.content ?? "").replacingOccurrences(of: "\r\n", with: "\n")
        #expect(text.contains("1 x Akala Sandals (Size: 42 <wide>) (KES 800.00 each)"), "\(text)")
        #expect(text.contains("1 x Blue mug (KES 750.00 each)"), "\(text)")
        let html = parsed.part("text/html")?.content ?? ""
        #expect(html.contains("Akala Sandals (Size: 42 &lt;wide&gt;)"), "\(html)")
    }
}
