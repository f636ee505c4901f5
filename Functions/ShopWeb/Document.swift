import SokoFunctions

/// The HTML document every page shares: landmarks (`header`, `nav`, `main`, `footer`), a skip
/// link first in the focus order, the flash message as a status, stylesheets and deferred
/// scripts by URL (``AssetCatalog/url(_:)``), and the viewport for phones.
public struct Document: Sendable {
    public var title: String
    public var stylesheets: [String] = []
    public var scripts: [String] = []
    /// What goes in `<header>` (brand, navigation).
    public var header: HTML = .empty
    public var main: HTML
    public var footer: HTML = .empty
    public var flash: String?
    /// Extra `<head>` markup of the page's own (a `<noscript>` refresh).
    public var head: HTML = .empty
    /// Data for the page's script, as `data-` attributes on `<main>` (no inline script).
    public var data: [(String, String)] = []

    public init(title: String, main: HTML) {
        self.title = title
        self.main = main
    }

    public func render() -> HTML {
        let styles = HTML.join(stylesheets.map { "<link rel=\"stylesheet\" href=\"\($0)\">" })
        let scriptTags = HTML.join(scripts.map { "<script src=\"\($0)\" defer></script>" })
        let attributes = HTML.join(data.map { " data-\(HTML.raw($0.0))=\"\($0.1)\"" })
        let notice: HTML = flash.map { "<p class=\"flash\" role=\"status\">\($0)</p>" } ?? .empty
        return """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title)</title>
            \(styles)\(scriptTags)\(head)
            </head>
            <body>
            <a class="skip" href="#main">Skip to content</a>
            <header>\(header)</header>
            <main id="main" tabindex="-1"\(attributes)>
            \(notice)\(main)
            </main>
            <footer>\(footer)</footer>
            </body>
            </html>

            """
    }
}
