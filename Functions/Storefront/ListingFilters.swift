import ShopWeb
import SokoFunctions

/// A listing's filters as the shopper sets them in the form (prices in whole units of the shop's
/// currency) and as `catalog.listProducts` reads them (minor units), plus the cursor.
struct ListingFilters: Sendable {
    var minimum: Int?
    var maximum: Int?
    var inStock = false
    var sort = "newest"
    var cursor: String?

    static let sorts = [("newest", "Newest"), ("price", "Price: low to high"), ("-price", "Price: high to low"), ("name", "Name")]

    init(_ query: QueryParameters) {
        minimum = query["min"].flatMap { Int($0.trimmingWhitespace()) }.flatMap { $0 >= 0 ? $0 : nil }
        maximum = query["max"].flatMap { Int($0.trimmingWhitespace()) }.flatMap { $0 >= 0 ? $0 : nil }
        inStock = query["in_stock"] == "1"
        if let sort = query["sort"], Self.sorts.contains(where: { $0.0 == sort }) { self.sort = sort }
        cursor = query["cursor"].flatMap { $0.isEmpty ? nil : $0 }
        if let low = minimum, let high = maximum, low > high { maximum = nil }
    }

    /// `listProducts`' query.
    var apiQuery: [(String, String)] {
        var query: [(String, String)] = [("limit", "12"), ("sort", sort)]
        if let minimum { query.append(("min_price", String(minimum * 100))) }
        if let maximum { query.append(("max_price", String(maximum * 100))) }
        if inStock { query.append(("in_stock", "true")) }
        if let cursor { query.append(("cursor", cursor)) }
        return query
    }

    /// This page's own query with `cursor` replaced (the "Next page" link).
    func pageQuery(extra: [(String, String)], cursor: String) -> String {
        var query = extra
        if let minimum { query.append(("min", String(minimum))) }
        if let maximum { query.append(("max", String(maximum))) }
        if inStock { query.append(("in_stock", "1")) }
        query.append(("sort", sort))
        query.append(("cursor", cursor))
        return FormEncoding.encode(query)
    }

    /// The filter form (GET to `action`); `hidden` keeps the search text.
    func form(action: String, hidden: [(String, String)] = []) -> HTML {
        let keep = hidden.map { "<input type=\"hidden\" name=\"\($0.0)\" value=\"\($0.1)\">" as HTML }
        let options = Self.sorts.map { value, label -> HTML in
            "<option value=\"\(value)\"\(HTML.raw(value == sort ? " selected" : ""))>\(label)</option>"
        }
        return """
            <form class="filters" method="get" action="\(action)">\(keep)
            <div class="inline">
            <div class="field"><label for="min">Minimum price (KES)</label><input id="min" name="min" type="number" min="0" inputmode="numeric" value="\(minimum.map(String.init) ?? "")"></div>
            <div class="field"><label for="max">Maximum price (KES)</label><input id="max" name="max" type="number" min="0" inputmode="numeric" value="\(maximum.map(String.init) ?? "")"></div>
            <div class="field"><label for="sort">Sort by</label><select id="sort" name="sort">\(options)</select></div>
            <div class="field"><label><input type="checkbox" name="in_stock" value="1"\(HTML.raw(inStock ? " checked" : ""))> In stock only</label></div>
            <button type="submit" class="secondary">Filter</button>
            </div></form>
            """
    }
}
