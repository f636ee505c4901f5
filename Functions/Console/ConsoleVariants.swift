import ShopWeb
import SokoFunctions

/// The product page's "Variants" section (docs/commerce.md, "Variants"): the options, each
/// variant with its price and stock (on hand to set, reserved and available to see), and a form
/// to add one. A product without options gets a form to declare them first.
struct ConsoleVariants: Decodable, Sendable {
    struct Option: Decodable, Sendable {
        var name: String
        var values: [String]
    }

    struct Variant: Decodable, Sendable {
        var id: String
        var sku: String
        var options: [String: String]
        var optionText: String
        var price: Int
        var available: Int
        var archived: Bool
        var onHand: Int?
        var reserved: Int?

        enum CodingKeys: String, CodingKey {
            case id, sku, options, price, available, archived, reserved
            case optionText = "option_text"
            case onHand = "on_hand"
        }
    }

    var options: [Option]?
    var variants: [Variant]?

    var soldAsVariants: Bool { !(options ?? []).isEmpty }

    func section(productID: String, currency: String, csrf: HTML) -> HTML {
        let options = self.options ?? []
        guard !options.isEmpty else {
            return """
                <section aria-labelledby="variants-heading">
                <h2 id="variants-heading">Variants</h2>
                <p>Sold as one item. To sell it in sizes or colours, declare its options (one a line, at most 3), then add a variant per combination, each with its own SKU and stock.</p>
                <form class="stack" method="post" action="/admin/catalog/\(productID)/options">\(csrf)
                <label>Options <textarea name="options" rows="3" placeholder="Size: S, M, L" required></textarea></label>
                <button type="submit">Declare options</button>
                </form>
                </section>
                """
        }
        let rows = (variants ?? []).map { variant -> HTML in
            let state: HTML = variant.archived ? " <span class=\"badge archived\">Archived</span>" : ""
            let reserved = variant.reserved ?? 0
            return """
                <tr><td>\(variant.optionText)\(state)</td><td>\(variant.sku)</td>
                <td>\(MoneyText.format(variant.price, currency: currency))</td>
                <td>\(variant.available)</td><td>\(reserved)</td>
                <td><form class="inline" method="post" action="/admin/catalog/\(productID)/variants/\(variant.id)/stock">\(csrf)
                <label>On hand <input name="on_hand" type="number" min="\(reserved)" step="1" inputmode="numeric" value="\(variant.onHand ?? 0)" required></label>
                <button type="submit" class="secondary">Set stock</button></form></td></tr>
                """
        }
        let selects = options.enumerated().map { index, option -> HTML in
            let choices = option.values.map { value -> HTML in "<option value=\"\(value)\">\(value)</option>" }
            return "<label>\(option.name) <select name=\"option-\(index)\" required>\(choices)</select></label>"
        }
        let declared = options.map { option -> HTML in "<li>\(option.name): \(option.values.joined(separator: ", "))</li>" }
        return """
            <section aria-labelledby="variants-heading">
            <h2 id="variants-heading">Variants</h2>
            <ul>\(declared)</ul>
            <div class="table"><table>
            <thead><tr><th>Options</th><th>SKU</th><th>Price</th><th>Available</th><th>Reserved</th><th>Stock</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            <h3>Add a variant</h3>
            <form class="stack" method="post" action="/admin/catalog/\(productID)/variants">\(csrf)
            \(selects)
            <label>SKU <input name="sku" required maxlength="64"></label>
            <label>Price (empty: the product's) <input name="price" inputmode="decimal" placeholder="1250.00"></label>
            <label>On hand <input name="on_hand" type="number" min="0" step="1" inputmode="numeric" value="0" required></label>
            <button type="submit">Add variant</button>
            </form>
            </section>
            """
    }

    /// `Size: S, M, L` lines → the catalog's `options`.
    static func parse(_ text: String) -> [[String: JSONValue]] {
        text.split(whereSeparator: \.isNewline).compactMap { line in
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { return nil }
            let values = parts[1].split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
            return ["name": .string(String(parts[0]).trimmingWhitespace()), "values": .array(values.map { .string($0) })]
        }
    }
}

/// `POST /admin/catalog/{id}/options` (`options`: `Name: value, value` lines) → `catalog.updateProduct`
/// with the options; 303 back, or the page with the reasons.
struct ConsoleSetOptions: DependentRawFunction {
    let console: Console

    func run(_ request: FunctionRequest, context: FunctionContext) async throws -> FunctionResponse {
        var page = ConsoleRequest(request, context: context, console: console)
        let form = FormBody(request)
        if let refusal = try await page.admit(form) { return refusal }
        let id = context.pathParameter("id") ?? ""
        let options = ConsoleVariants.parse(form["options"] ?? "")
        guard !options.isEmpty else {
            return try await ConsoleProduct.render(
                &page, id: id, form: nil, errors: ["Options: one a line, as Name: value, value"])
        }
        return try await ConsoleProduct.send(
            &page, id: id, function: "updateProduct",
            body: try JSONCoding.encode(["options": JSONValue.array(options.map { .object($0) })]),
            flash: "Options declared: add its variants.")
    }
}

/// `POST /admin/catalog/{id}/variants` (`option-0`…, `sku`, `price`, `on_hand`) →
/// `catalog.createVariant`; 303 back, or the page with the reasons.
struct ConsoleAddVariant: DependentRawFunction {
    let console: Console

    func run(_ request: FunctionRequest, context: FunctionContext) async throws -> FunctionResponse {
        var page = ConsoleRequest(request, context: context, console: console)
        let form = FormBody(request)
        if let refusal = try await page.admit(form) { return refusal }
        let id = context.pathParameter("id") ?? ""
        let product = try await page.web.call("catalog", "adminGetProduct", RouteCall(pathParameters: ["id": id]))
        guard product.succeeded else {
            return try await ConsoleProduct.render(&page, id: id, form: nil, errors: [product.problem.message])
        }
        let row = try product.decode(ProductRow.self)
        let declared = try product.decode(ConsoleVariants.self).options ?? []
        var choice: [String: JSONValue] = [:]
        for (index, option) in declared.enumerated() {
            if let value = form["option-\(index)"] { choice[option.name] = .string(value) }
        }
        var body: [String: JSONValue] = [
            "sku": .string(form["sku"] ?? ""), "options": .object(choice),
            "on_hand": .integer(Int64(form["on_hand"].flatMap { Int($0) } ?? 0)),
        ]
        if let text = form["price"], !text.trimmingWhitespace().isEmpty {
            guard let minor = PriceText.minorUnits(text, currency: row.currency) else {
                return try await ConsoleProduct.render(
                    &page, id: id, form: nil, errors: ["Price: must be an amount such as 1250.00"])
            }
            body["price"] = .integer(Int64(minor))
        }
        return try await ConsoleProduct.send(
            &page, id: id, function: "createVariant", body: try JSONCoding.encode(body), flash: "Variant added.")
    }
}

/// `POST /admin/catalog/{id}/variants/{variant_id}/stock` (`on_hand`) → `catalog.setVariantInventory`;
/// 303 back (it cannot go below what orders in progress hold).
struct ConsoleSetVariantStock: DependentRawFunction {
    let console: Console

    func run(_ request: FunctionRequest, context: FunctionContext) async throws -> FunctionResponse {
        var page = ConsoleRequest(request, context: context, console: console)
        let form = FormBody(request)
        if let refusal = try await page.admit(form) { return refusal }
        let id = context.pathParameter("id") ?? ""
        let variantID = context.pathParameter("variant_id") ?? ""
        guard let text = form["on_hand"], let onHand = Int(text), onHand >= 0 else {
            return try await ConsoleProduct.render(
                &page, id: id, form: nil, errors: ["On hand: must be a whole number, zero or more"])
        }
        return try await ConsoleProduct.send(
            &page, id: id, function: "setVariantInventory", pathParameters: ["variant_id": variantID],
            body: try JSONCoding.encode(["on_hand": onHand]), flash: "Variant stock set to \(onHand) on hand.")
    }
}
