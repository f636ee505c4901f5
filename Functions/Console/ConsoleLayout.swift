import ShopWeb
import SokoFunctions

/// The console's sections, in the order of its navigation.
enum ConsoleSection: String, CaseIterable, Sendable {
    case home, catalog, categories, sales, zones, mail, deadLetters

    var title: String {
        switch self {
        case .home: "Dashboard"
        case .catalog: "Products"
        case .categories: "Categories"
        case .sales: "Orders"
        case .zones: "Delivery zones"
        case .mail: "Mail log"
        case .deadLetters: "Dead letters"
        }
    }

    var path: String {
        switch self {
        case .home: "/admin"
        case .catalog: "/admin/catalog"
        case .categories: "/admin/categories"
        case .sales: "/admin/sales"
        case .zones: "/admin/zones"
        case .mail: "/admin/mail"
        case .deadLetters: "/admin/dead-letters"
        }
    }
}

/// Markup shared by the console's pages.
enum ConsoleLayout {
    /// The brand, the navigation (the current section marked with `aria-current`) and the
    /// sign-out button (a form: signing out changes state, so it carries the CSRF token).
    static func header(shopName: String, current: ConsoleSection?, csrf: HTML) -> HTML {
        let links = HTML.join(
            ConsoleSection.allCases.map { section in
                let mark: HTML = section == current ? " aria-current=\"page\"" : ""
                return "<li><a href=\"\(section.path)\"\(mark)>\(section.title)</a></li>"
            })
        return """
            <p class="brand"><a href="/admin">\(shopName) console</a></p>
            <nav aria-label="Console"><ul>\(links)</ul></nav>
            <form class="signout" method="post" action="/admin/sign-out">\(csrf)<button type="submit">Sign out</button></form>
            """
    }

    /// A message box for what went wrong (a refused form), read out when it appears.
    static func errors(_ messages: [String]) -> HTML {
        guard !messages.isEmpty else { return .empty }
        let items = HTML.join(messages.map { "<li>\($0)</li>" })
        return "<div class=\"errors\" role=\"alert\"><p>Please fix the following:</p><ul>\(items)</ul></div>"
    }

    /// `2026-12-05T10:04:00.000Z` → `2026-12-05 10:04` (UTC), for tables.
    static func time(_ timestamp: String?) -> String {
        guard let timestamp, timestamp.count >= 16 else { return timestamp ?? "—" }
        return timestamp.prefix(10) + " " + timestamp.dropFirst(11).prefix(5)
    }

    /// The first characters of an id, enough to tell orders apart in a table.
    static func short(_ id: String) -> String { String(id.prefix(8)) }

    /// A "Next page" link keeping the query's other parameters, or nothing on the last page.
    static func nextPage(_ path: String, query: [(String, String)], cursor: String?) -> HTML {
        guard let cursor else { return .empty }
        let target = path + "?" + FormEncoding.encode(query.filter { $0.0 != "cursor" } + [("cursor", cursor)])
        return "<p class=\"pager\"><a href=\"\(target)\" rel=\"next\">Next page</a></p>"
    }
}
