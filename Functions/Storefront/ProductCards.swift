import ShopWeb
import SokoFunctions

/// Products as the listings show them: a grid of cards, each a link to its page with price and stock.
enum ProductCards {
    static func grid(_ products: [ProductItem], shop: Storefront) -> HTML {
        guard !products.isEmpty else { return "<p>No products here yet.</p>" }
        let cards = products.map { product -> HTML in
            """
            <li class="card"><a href="/p/\(product.id)">\(product.name)</a>
            <p class="price">\(shop.money(product.price, product.currency))</p>
            \(stock(product.available ?? 0))</li>
            """
        }
        return "<ul class=\"grid\">\(cards)</ul>"
    }

    static func stock(_ available: Int) -> HTML {
        available > 0 ? "<p class=\"stock\">In stock (\(available))</p>" : "<p class=\"out\">Out of stock</p>"
    }
}
