import ShopWeb
import SokoFunctions

/// The console's stylesheet, embedded and served under a content-hashed name. Mobile first: one
/// column at 360 px, tables that scroll sideways inside their own box, wider layouts from 48em.
/// No script: every action is a form and a 303.
enum ConsoleAssets {
    static let catalog = AssetCatalog(
        prefix: "/admin/assets/", [Asset(name: "console.css", contentType: "text/css; charset=utf-8", text: css)])

    static let css = """
        :root { --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --accent: #0b5cad; --bad: #a40e26; --ok: #116329; --bg: #f6f8fa; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
        a { color: var(--accent); }
        .skip { position: absolute; left: -9999px; }
        .skip:focus { left: 0.5rem; top: 0.5rem; background: #fff; padding: 0.5rem; z-index: 1; }
        header { background: var(--ink); color: #fff; padding: 0.5rem 1rem; display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: center; }
        header a { color: #fff; }
        .brand { margin: 0; font-weight: 700; }
        nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.25rem 0.75rem; }
        nav a[aria-current="page"] { text-decoration: underline; text-underline-offset: 0.3em; font-weight: 700; }
        .signout { margin-left: auto; }
        main { padding: 1rem; max-width: 72rem; margin: 0 auto; }
        main:focus { outline: none; }
        footer { color: var(--muted); padding: 1rem; border-top: 1px solid var(--line); font-size: 0.875rem; }
        h1 { font-size: 1.5rem; margin: 0.5rem 0 1rem; }
        h2 { font-size: 1.15rem; margin: 1.5rem 0 0.5rem; }
        .flash { background: #dafbe1; border: 1px solid #4ac26b; padding: 0.5rem 0.75rem; border-radius: 6px; }
        .errors { background: #ffebe9; border: 1px solid var(--bad); padding: 0.5rem 0.75rem; border-radius: 6px; }
        .errors p { margin: 0; font-weight: 600; }
        form.stack { display: grid; gap: 0.75rem; max-width: 40rem; }
        form.stack .row { display: grid; gap: 0.75rem; }
        form.inline { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: end; margin: 0.5rem 0; }
        label { display: grid; gap: 0.25rem; font-weight: 600; }
        label.check { display: flex; gap: 0.5rem; align-items: center; font-weight: 400; }
        input, select, textarea, button { font: inherit; }
        input, select, textarea { font-weight: 400; padding: 0.5rem; border: 1px solid var(--line); border-radius: 6px; width: 100%; min-height: 2.75rem; }
        label.check input { width: 1.25rem; min-height: 1.25rem; height: 1.25rem; padding: 0; flex: none; }
        textarea { min-height: 6rem; }
        button { min-height: 2.75rem; padding: 0.5rem 1rem; border-radius: 6px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
        button.secondary { background: #fff; color: var(--accent); }
        button.danger { background: var(--bad); border-color: var(--bad); }
        header button { background: transparent; border-color: #fff; }
        .table { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; }
        table { border-collapse: collapse; width: 100%; min-width: 36rem; }
        th, td { text-align: left; padding: 0.5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { background: var(--bg); font-size: 0.875rem; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; overflow-wrap: normal; }
        .badge { display: inline-block; padding: 0 0.5rem; border-radius: 1rem; background: var(--bg); border: 1px solid var(--line); font-size: 0.875rem; }
        .badge.archived, .badge.failed, .badge.cancelled, .badge.dead { border-color: var(--bad); color: var(--bad); }
        .badge.paid, .badge.sent, .badge.delivered { border-color: var(--ok); color: var(--ok); }
        .cards { display: grid; gap: 0.75rem; grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr)); }
        .card { border: 1px solid var(--line); border-radius: 6px; padding: 0.75rem; margin: 0; }
        .card strong { display: block; font-size: 1.5rem; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; margin: 0; }
        dl.facts dt { color: var(--muted); }
        dl.facts dd { margin: 0; overflow-wrap: anywhere; }
        .timeline li { overflow-wrap: anywhere; }
        table.fit { min-width: 0; }
        small { color: var(--muted); }
        .actions { display: grid; gap: 1rem; }
        .pager { margin: 1rem 0; }
        @media (min-width: 48em) {
          h1 { font-size: 1.75rem; }
          .actions { grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); }
          form.stack .row { display: grid; grid-template-columns: 1fr 1fr; gap: 0.75rem; }
        }
        """
}

/// `GET /admin/assets/{name}` (public) → the console's stylesheet under its hashed name, cached
/// for a year (`immutable`); 404 otherwise.
struct ConsoleAsset: DependentRawFunction {
    let console: Console

    func run(_ request: FunctionRequest, context: FunctionContext) async throws -> FunctionResponse {
        console.assets.response(for: context.pathParameter("name") ?? "")
    }
}
