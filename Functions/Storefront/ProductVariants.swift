import ShopWeb
import SokoFunctions

/// A product's options and variants as its page shows them (docs/commerce.md, "Variants"): a
/// `<select>` per option in a plain form (no JavaScript), and the list of combinations with their
/// price and stock, out-of-stock ones marked. The chosen values go as `option-0`, `option-1`, …
/// and ``match(_:)`` maps them to a variant server-side.
struct ProductVariantsData: Decodable, Sendable {
    struct Option: Decodable, Sendable {
        var name: String
        var values: [String]
    }

    struct Variant: Decodable, Sendable {
        var id: String
        var options: [String: String]
        var optionText: String
        var price: Int
        var available: Int

        enum CodingKeys: String, CodingKey {
            case id, options, price, available
            case optionText = "option_text"
        }
    }

    var options: [Option]?
    var variants: [Variant]?

    var isSoldAsVariants: Bool { !(options ?? []).isEmpty }

    /// The variant whose options are the form's `option-i` values; nil when the combination has
    /// none (or a value is missing).
    func match(_ form: FormBody) -> Variant? {
        let options = self.options ?? []
        var chosen: [String: String] = [:]
        for (index, option) in options.enumerated() {
            guard let value = form["option-\(index)"], option.values.contains(value) else { return nil }
            chosen[option.name] = value
        }
        return (variants ?? []).first { $0.options == chosen }
    }

    /// The selectors and the add-to-cart button. With a single option, values with nothing in
    /// stock are disabled and say so; with several, the list below marks each combination.
    func form(_ web: WebRequest, productID: String, money: (Int) -> String) -> HTML {
        let options = self.options ?? []
        let variants = self.variants ?? []
        guard variants.contains(where: { $0.available > 0 }) else {
            return
                "\(list(money: money))<p><button type=\"button\" disabled>Add to cart</button> This product is out of stock.</p>"
        }
        let selects = options.enumerated().map { index, option -> HTML in
            // One option: a value is one variant, so its price and stock show in the choice, the
            // first in stock is chosen and those out of stock cannot be chosen.
            let firstInStock = variants.first { $0.available > 0 }?.options[option.name]
            let choices = option.values.map { value -> HTML in
                guard options.count == 1 else { return "<option value=\"\(value)\">\(value)</option>" }
                let variant = variants.first { $0.options[option.name] == value }
                guard let variant, variant.available > 0 else {
                    return "<option value=\"\(value)\" disabled>\(value) — out of stock</option>"
                }
                let selected: HTML = value == firstInStock ? " selected" : ""
                return "<option value=\"\(value)\"\(selected)>\(value) — \(money(variant.price))</option>"
            }
            return """
                <div class="field"><label for="option-\(index)">\(option.name)</label>
                <select id="option-\(index)" name="option-\(index)" required>\(choices)</select></div>
                """
        }
        return """
            \(list(money: money))
            <form method="post" action="/basket/items">\(web.csrfField)
            <input type="hidden" name="product_id" value="\(productID)">
            \(selects)
            <div class="inline"><div class="field"><label for="quantity">Quantity</label>
            <input id="quantity" name="quantity" type="number" inputmode="numeric" min="1" max="99" value="1" required></div>
            <button type="submit">Add to cart</button></div>
            </form>
            """
    }

    /// Every combination on sale with its price and stock.
    func list(money: (Int) -> String) -> HTML {
        let items = (variants ?? []).map { variant -> HTML in
            let stock: HTML =
                variant.available > 0
                ? "<span class=\"stock\">In stock (\(variant.available))</span>"
                : "<span class=\"out\">Out of stock</span>"
            return "<li>\(variant.optionText): \(money(variant.price)) — \(stock)</li>"
        }
        return "<ul class=\"variants\">\(items)</ul>"
    }
}
