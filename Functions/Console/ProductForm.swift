import ShopWeb
import SokoFunctions

/// The product form of the new-product and product pages: its fields as typed, drawn with their
/// labels (the accessible names "SKU", "Name", "Price", …), and turned into the catalog's JSON.
struct ProductForm: Sendable {
    var sku = ""
    var name = ""
    var description = ""
    var price = ""
    var currency = "KES"
    var categoryID = ""
    /// One URL per line.
    var images = ""
    /// The first stock count (new products only).
    var onHand = "0"

    init() {}

    /// The form as posted.
    init(_ form: FormBody) {
        sku = form["sku"] ?? ""
        name = form["name"] ?? ""
        description = form["description"] ?? ""
        price = form["price"] ?? ""
        currency = (form["currency"] ?? "KES").uppercased()
        categoryID = form["category_id"] ?? ""
        images = form["images"] ?? ""
        onHand = form["on_hand"] ?? "0"
    }

    /// A product as it is, to edit.
    init(_ product: ProductRow) {
        sku = product.sku
        name = product.name
        description = product.description
        price = PriceText.decimal(product.price, currency: product.currency)
        currency = product.currency
        categoryID = product.categoryID
        images = product.images.joined(separator: "\n")
    }

    /// The catalog's body, or the messages of fields that cannot be sent as they are.
    func body(includeStock: Bool) -> Result<ProductBody, FormErrors> {
        var errors: [String] = []
        let minor = PriceText.minorUnits(price, currency: currency)
        if minor == nil { errors.append("Price: must be an amount such as 1250 or 1,250.50") }
        var stock: Int?
        if includeStock {
            stock = Int(onHand)
            if stock == nil || stock! < 0 { errors.append("On hand: must be a whole number, zero or more") }
        }
        guard errors.isEmpty, let minor else { return .failure(FormErrors(messages: errors)) }
        let urls = images.split(whereSeparator: \.isNewline).map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        return .success(
            ProductBody(
                sku: sku, name: name, description: description, price: minor, currency: currency, categoryID: categoryID,
                images: urls, onHand: stock))
    }

    /// The fields, inside a form the caller opens and closes.
    func fields(categories: CategoryForest, includeStock: Bool) -> HTML {
        let options = HTML.join(
            categories.flattened.map { entry in
                let selected: HTML = entry.category.id == categoryID ? " selected" : ""
                let indent = String(repeating: "— ", count: entry.depth)
                return "<option value=\"\(entry.category.id)\"\(selected)>\(indent + entry.category.name)</option>"
            })
        let stock: HTML =
            includeStock
            ? "<label>On hand <input name=\"on_hand\" type=\"number\" min=\"0\" step=\"1\" inputmode=\"numeric\" value=\"\(onHand)\" required></label>"
            : .empty
        return """
            <div class="row">
            <label>SKU <input name="sku" value="\(sku)" required maxlength="64" autocapitalize="characters" spellcheck="false"></label>
            <label>Name <input name="name" value="\(name)" required maxlength="200"></label>
            </div>
            <div class="row">
            <label>Price <input name="price" value="\(price)" required inputmode="decimal" placeholder="1250.00"></label>
            <label>Currency <input name="currency" value="\(currency)" required maxlength="3" pattern="[A-Za-z]{3}" autocapitalize="characters"></label>
            </div>
            <label>Category <select name="category_id" required><option value="">Choose a category</option>\(options)</select></label>
            <label>Description <textarea name="description" maxlength="5000">\(description)</textarea></label>
            <label>Image URLs <textarea name="images" aria-describedby="images-help" spellcheck="false">\(images)</textarea></label>
            <p id="images-help">One https address per line; the first is the main picture.</p>
            \(stock)
            """
    }
}

/// The body of `catalog.createProduct` and `catalog.updateProduct`.
struct ProductBody: Encodable, Sendable {
    var sku: String
    var name: String
    var description: String
    var price: Int
    var currency: String
    var categoryID: String
    var images: [String]
    var onHand: Int?

    enum CodingKeys: String, CodingKey {
        case sku, name, description, price, currency, images
        case categoryID = "category_id"
        case onHand = "on_hand"
    }
}

/// Messages to show above a refused form.
struct FormErrors: Error, Sendable {
    var messages: [String]

    /// The callee's refusal, its field errors under the form's labels.
    init(_ problem: CallProblem) {
        messages = problem.fields.isEmpty ? [problem.detail] : problem.fields.map { "\(Self.label($0.field)): \($0.message)" }
    }

    init(messages: [String]) { self.messages = messages }

    static func label(_ field: String) -> String {
        let base = field.prefix { $0 != "[" && $0 != "." }
        switch base {
        case "sku": return "SKU"
        case "name": return "Name"
        case "price": return "Price"
        case "currency": return "Currency"
        case "category_id": return "Category"
        case "description": return "Description"
        case "images": return "Image URLs"
        case "on_hand": return "On hand"
        case "slug": return "Slug"
        case "parent_id": return "Parent"
        case "carrier": return "Carrier"
        case "tracking_number": return "Tracking number"
        default: return String(base)
        }
    }
}

/// Amounts as the merchant types them, to and from minor units.
enum PriceText {
    static let zeroDecimal: Set<String> = ["JPY", "KRW", "UGX", "RWF", "XAF", "XOF", "CLP", "VND"]

    static func decimals(_ currency: String) -> Int { zeroDecimal.contains(currency.uppercased()) ? 0 : 2 }

    /// `1,250.5` → 125050 (two-decimal currencies); nil for anything that is not a plain amount.
    static func minorUnits(_ text: String, currency: String) -> Int? {
        let cleaned = text.trimmingWhitespace().filter { $0 != "," && $0 != " " }
        let parts = cleaned.split(separator: ".", omittingEmptySubsequences: false)
        let places = decimals(currency)
        guard (1...2).contains(parts.count), let whole = parts.first, !whole.isEmpty, whole.count <= 13,
            whole.allSatisfy({ $0.isASCII && $0.isNumber }), let units = Int(whole)
        else { return nil }
        var fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= places, fraction.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        if parts.count == 2 && fraction.isEmpty { return nil }
        fraction += String(repeating: "0", count: places - fraction.count)
        var scale = 1
        for _ in 0..<places { scale *= 10 }
        return units * scale + (Int(fraction) ?? 0)
    }

    /// 125050 → `1250.50`, what the price field shows.
    static func decimal(_ minor: Int, currency: String) -> String {
        let places = decimals(currency)
        guard places > 0 else { return String(minor) }
        let cents = String(minor % 100)
        return "\(minor / 100)." + String(repeating: "0", count: 2 - cents.count) + cents
    }
}
