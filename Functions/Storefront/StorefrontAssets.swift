import ShopWeb
import SokoFunctions

/// The storefront's stylesheet and script, embedded (no build step, no CDN) and served under
/// content-hashed names by ``StorefrontAsset``. Mobile first: one column at 360 px, system fonts,
/// text contrast ≥ 7:1 on white, visible focus.
enum StorefrontAssets {
    /// The files under their hashed names at `/assets/`.
    static let catalog = AssetCatalog(prefix: "/assets/", all)

    static let all = [
        Asset(name: "store.css", contentType: "text/css; charset=utf-8", text: css),
        Asset(name: "store.js", contentType: "text/javascript; charset=utf-8", text: script),
    ]

    static let css = """
        *{box-sizing:border-box}
        html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:100%;line-height:1.5;color:#1a1a1a;background:#fff}
        body{margin:0}
        a{color:#0b4f8a}
        a:focus,button:focus,input:focus,select:focus{outline:3px solid #e8a000;outline-offset:2px}
        .skip{position:absolute;left:-9999px}.skip:focus{left:.5rem;top:.5rem;background:#fff;padding:.5rem;z-index:2}
        header{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem;padding:.5rem 1rem;background:#0f3d2e;color:#fff}
        header a,header .link{color:#fff}
        .brand{font-weight:700;font-size:1.25rem;text-decoration:none;margin-right:auto}
        header nav ul{display:flex;gap:1rem;list-style:none;margin:0;padding:0;align-items:center}
        header form{margin:0}
        .search{display:flex;gap:.25rem;align-items:center;width:100%;order:3}
        .search label{position:absolute;left:-9999px}
        .search input{flex:1;min-width:0}
        input,select,button{font:inherit;padding:.5rem;border:1px solid #555;border-radius:4px}
        button{background:#0f3d2e;color:#fff;border-color:#0f3d2e;cursor:pointer}
        button.link{background:none;border:none;padding:0;text-decoration:underline}
        button.secondary{background:#fff;color:#0f3d2e}
        button[disabled]{background:#767676;border-color:#767676}
        main{padding:1rem;max-width:64rem;margin:0 auto}
        main:focus{outline:none}
        footer{padding:1rem;color:#444;border-top:1px solid #ddd;text-align:center}
        h1{font-size:1.5rem;margin:.5rem 0 1rem}
        .flash{background:#e6f4ea;border-left:4px solid #0f3d2e;padding:.5rem 1rem}
        .alert{background:#fdecea;border-left:4px solid #a50e0e;padding:.5rem 1rem}
        .grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(9.5rem,1fr));gap:1rem;list-style:none;padding:0}
        .card{border:1px solid #ddd;border-radius:6px;padding:.75rem}
        .card a{font-weight:600;overflow-wrap:anywhere}
        .price{font-weight:700}
        .stock{color:#1d5e20}.out{color:#a50e0e}
        .field{display:flex;flex-direction:column;gap:.25rem;margin-bottom:.75rem;max-width:24rem}
        .inline{display:flex;gap:.5rem;align-items:flex-end;flex-wrap:wrap}
        fieldset{border:1px solid #ccc;border-radius:4px;margin:0 0 1rem;padding:.5rem .75rem}
        .choice{display:flex;gap:.5rem;align-items:flex-start;margin-bottom:.5rem}.choice input{margin-top:.3rem}
        .hint{color:#555;font-size:.9rem;margin:.25rem 0}
        .timeline{padding-left:1.25rem}.timeline li{margin-bottom:.25rem}
        .lines{list-style:none;padding:0}.lines li{border-bottom:1px solid #ddd;padding:.5rem 0}
        .chips{display:flex;flex-wrap:wrap;gap:.5rem;list-style:none;padding:0}
        .chips a{display:inline-block;padding:.25rem .75rem;border:1px solid #0b4f8a;border-radius:999px;text-decoration:none}
        .filters{border:1px solid #ddd;border-radius:6px;padding:.5rem 1rem;margin-bottom:1rem}
        .status{font-weight:700}
        @media (min-width:40rem){.search{width:auto;order:0;flex:0 1 20rem}}
        """

    static let script = """
        "use strict";
        (function () {
          var main = document.getElementById("main");
          if (!main) { return; }
          var statusURL = main.getAttribute("data-status-url");
          if (statusURL) {
            var started = Date.now();
            var poll = function () {
              fetch(statusURL, { credentials: "same-origin", headers: { "Accept": "application/json" } })
                .then(function (r) { return r.json(); })
                .then(function (s) {
                  if (s.state === "paid") { window.location.assign(main.getAttribute("data-done-url")); return; }
                  if (s.state === "failed") { window.location.reload(); return; }
                  if (Date.now() - started < 180000) { setTimeout(poll, 1500); }
                  else { var n = document.getElementById("still-waiting"); if (n) { n.hidden = false; } }
                })
                .catch(function () { setTimeout(poll, 3000); });
            };
            setTimeout(poll, 1000);
          }
          var form = document.getElementById("card-form");
          if (!form) { return; }
          var errors = document.getElementById("card-errors");
          var button = form.querySelector("button[type=submit]");
          var fail = function (message) { errors.textContent = message; errors.hidden = false; button.disabled = false; };
          var done = function () { window.location.assign(form.getAttribute("data-done-url")); };
          var key = form.getAttribute("data-key");
          var secret = form.getAttribute("data-client-secret");
          if (form.getAttribute("data-mode") === "live") {
            var stripe = window.Stripe(key);
            var card = stripe.elements().create("card");
            card.mount("#card-element");
            form.addEventListener("submit", function (event) {
              event.preventDefault();
              button.disabled = true;
              stripe.confirmCardPayment(secret, { payment_method: { card: card } }).then(function (result) {
                if (result.error) { fail(result.error.message); } else { done(); }
              });
            });
            return;
          }
          form.addEventListener("submit", function (event) {
            event.preventDefault();
            button.disabled = true;
            errors.hidden = true;
            var chosen = form.querySelector("input[name=payment_method]:checked");
            var body = new URLSearchParams();
            body.set("key", key);
            body.set("client_secret", secret);
            body.set("payment_method", chosen ? chosen.value : "");
            fetch(form.getAttribute("data-confirm-url"), { method: "POST", body: body, credentials: "omit" })
              .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, json: j }; }); })
              .then(function (a) {
                if (a.ok && a.json.status === "succeeded") { done(); }
                else { fail((a.json.error && a.json.error.message) || "The card was not accepted."); }
              })
              .catch(function () { fail("The payment could not be sent; check your connection and try again."); });
          });
        })();

        """
}
