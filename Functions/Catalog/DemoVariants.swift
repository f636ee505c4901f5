import SokoFunctions

/// The demo catalog's products sold as variants (sandals in sizes, a dress in sizes, a kikoi in
/// colours), so the embedded default shows option selectors. Prices are whole shillings.
enum DemoVariants {
    struct Choice {
        var value: String
        var stock: Int
        var shillings: Int? = nil
    }

    struct Spec {
        var option: String
        var choices: [Choice]
    }

    static let bySKU: [String: Spec] = [
        "FA-SANDAL-TYRE": Spec(
            option: "Size",
            choices: [Choice(value: "40", stock: 9), Choice(value: "42", stock: 12), Choice(value: "44", stock: 0)]),
        "FA-KIK-KITENGE": Spec(
            option: "Size",
            choices: [
                Choice(value: "S", stock: 6), Choice(value: "M", stock: 8), Choice(value: "L", stock: 5),
                Choice(value: "XL", stock: 3, shillings: 3_200),
            ]),
        "FA-KIKOI-BEACH": Spec(
            option: "Colour",
            choices: [Choice(value: "Blue", stock: 15), Choice(value: "Red", stock: 12), Choice(value: "Green", stock: 6)]),
    ]

    /// Declares the product's option and inserts its variants with their stock.
    static func insert(_ spec: Spec, productID: String, sku: String, created: String, in transaction: Transaction) throws {
        let options = [ProductOption(name: spec.option, values: spec.choices.map(\.value))]
        try transaction.execute(
            "UPDATE products SET options = $2 WHERE id = $1", [.text(productID), .text(try ProductRecords.encodeJSON(options))])
        for choice in spec.choices {
            let id = CatalogID.make()
            try transaction.execute(
                """
                INSERT INTO variants (id, product_id, sku, options, option_key, price, archived, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $7)
                """,
                [
                    .text(id), .text(productID), .text("\(sku)-\(choice.value.uppercased())"),
                    .text(try ProductRecords.encodeJSON([spec.option: choice.value])), .text(OptionRules.key([choice.value])),
                    choice.shillings.map { SQLValue($0 * 100) } ?? .null, .text(created),
                ])
            try transaction.execute(
                "INSERT INTO variant_inventory (variant_id, on_hand, reserved) VALUES ($1, $2, 0)",
                [.text(id), SQLValue(choice.stock)])
        }
    }
}
