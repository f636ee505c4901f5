import ArgumentParser
import SokoCommands
import SokoFunctions
import SokoHost
import SokoOutbound

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `soko demo`: walks one purchase through a running platform, printing each step — register,
/// search, cart, order, pay with the M-Pesa sandbox, paid, the confirmation email written.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Walk a full purchase against a running instance (register → search → cart → order → M-Pesa → paid → email).")

    @Option(help: "The platform's base URL.")
    var url = "http://127.0.0.1:8080"

    @Option(help: "The M-Pesa number that pays (the sandbox's test number pays; see the README for others).")
    var phone = "254708374149"

    @Option(help: "What to search the catalog for.")
    var search = "tea"

    @Option(help: "Folder the platform writes mail to (default $SOKO_MAIL_DIR, else $SOKO_DATA/mail, else data/mail).")
    var mailDirectory: String?

    func run() async throws {
        let client = await StandaloneClient.start()
        do {
            try await walk(client)
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
    }

    /// The purchase, step by step, through `client`.
    private func walk(_ client: StandaloneClient) async throws {
        let base = url.hasSuffix("/") ? String(url.dropLast()) : url
        let mail = mailDirectory ?? (try? HostSettings(environment: Environment.variables).mail.directory) ?? "data/mail"
        let started = Date()
        let mailBefore = Set((try? FileManager.default.contentsOfDirectory(atPath: mail)) ?? [])

        func call(_ method: String, _ path: String, token: String? = nil, headers: [(String, String)] = [], json: String? = nil)
            async throws -> (status: Int, body: JSONValue)
        {
            var fields = headers
            if let token { fields.append(("Authorization", "Bearer \(token)")) }
            if json != nil { fields.append(("Content-Type", "application/json")) }
            let response = try await client.send(
                method, base + path, headers: fields, body: Array((json ?? "").utf8), timeout: .seconds(10))
            return (response.status, (try? JSONCoding.decode(JSONValue.self, from: response.body)) ?? .null)
        }
        func step(_ text: String) { print("→ \(text)") }
        func fail(_ text: String) throws -> Never { throw ValidationError(text) }

        step("platform at \(base)")
        guard (try? await call("GET", "/readyz"))?.status == 200 else {
            try fail("\(base)/readyz does not answer 200: start the platform first (scripts/run.sh)")
        }
        let email = "demo-\(Int(started.timeIntervalSince1970))@example.com"
        let password = "a demo password"
        let registered = try await call(
            "POST", "/users/register", json: #"{"email":"\#(email)","password":"\#(password)","name":"Demo Shopper"}"#)
        guard registered.status == 201 else { try fail("register answered \(registered.status): \(registered.body.text)") }
        step("registered \(email)")
        let login = try await call("POST", "/auth/login", json: #"{"email":"\#(email)","password":"\#(password)"}"#)
        guard let token = login.body["access_token"]?.string else { try fail("login answered \(login.status)") }
        step("signed in (access token, \(login.body["expires_in"]?.text ?? "?") s)")

        let query = search.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? search
        let found = try await call("GET", "/products?q=\(query)&in_stock=true&limit=5")
        guard case .array(let items)? = found.body["items"], let product = items.first, let productID = product["id"]?.string
        else { try fail("no product in stock matches \"\(search)\" (was the demo catalog seeded? soko seed)") }
        step(
            "found \(product["name"]?.text ?? productID) — \(Demo.money(product["price"], product["currency"])), \(product["available"]?.text ?? "0") available"
        )

        let added = try await call("POST", "/cart/items", token: token, json: #"{"product_id":"\#(productID)","quantity":1}"#)
        guard added.status == 200 else { try fail("add to cart answered \(added.status): \(added.body.text)") }
        step(
            "cart: 1 × \(product["name"]?.text ?? productID), subtotal \(Demo.money(added.body["subtotal"], added.body["currency"]))"
        )

        // A shop with delivery zones needs one: the first listed (the demo's Nairobi CBD).
        let zones = try await call("GET", "/delivery-zones")
        var zone = ""
        if case .array(let listed)? = zones.body["items"], let first = listed.first, let id = first["id"]?.string {
            zone = #","delivery_zone":"\#(id)""#
            step("delivery: \(first["name"]?.text ?? id), \(Demo.money(first["fee"], first["currency"]))")
        }
        let address =
            #"{"shipping_address":{"name":"Demo Shopper","line1":"1 Moi Avenue","city":"Nairobi","country":"KE"}\#(zone)}"#
        let placed = try await call(
            "POST", "/orders", token: token, headers: [("Idempotency-Key", UUID().uuidString)], json: address)
        guard placed.status == 201, let orderID = placed.body["id"]?.string else {
            try fail("place order answered \(placed.status): \(placed.body.text)")
        }
        step(
            "order \(orderID): \(placed.body["status"]?.text ?? "?"), total \(Demo.money(placed.body["total"], placed.body["currency"]))"
        )

        let paid = try await call(
            "POST", "/orders/\(orderID)/pay", token: token, json: #"{"method":"mpesa","phone":"\#(phone)"}"#)
        guard (200..<300).contains(paid.status) else { try fail("pay answered \(paid.status): \(paid.body.text)") }
        step("M-Pesa STK push sent to \(phone) (\(paid.body["checkout_request_id"]?.text ?? "?")); waiting for the callback")

        var status = "pending_payment"
        let deadline = Date().addingTimeInterval(60)
        while status == "pending_payment", Date() < deadline {
            try await Task.sleep(for: .milliseconds(500))
            status = try await call("GET", "/orders/\(orderID)", token: token).body["status"]?.string ?? status
        }
        guard status == "paid" else { try fail("the order is \(status) after 60 s") }
        step("order \(orderID) is paid")

        var written: [String] = []
        let mailDeadline = Date().addingTimeInterval(15)
        while written.isEmpty, Date() < mailDeadline {
            written = ((try? FileManager.default.contentsOfDirectory(atPath: mail)) ?? [])
                .filter { $0.hasSuffix(".eml") && !mailBefore.contains($0) }.sorted()
            if written.isEmpty { try await Task.sleep(for: .milliseconds(500)) }
        }
        if written.isEmpty {
            step("no new mail in \(mail) (is the platform sending over SMTP instead? see GET /admin/notifications)")
        } else {
            for name in written {
                let text = (try? String(contentsOfFile: mail + "/" + name, encoding: .utf8)) ?? ""
                let subject = text.split(separator: "\r\n").first { $0.hasPrefix("Subject:") } ?? "Subject: ?"
                step("email \(mail)/\(name) — \(subject)")
            }
        }
        let tenths = Int(Date().timeIntervalSince(started) * 10)
        print("done in \(tenths / 10).\(tenths % 10) s")
    }

    static func money(_ amount: JSONValue?, _ currency: JSONValue?) -> String {
        guard case .integer(let minor)? = amount else { return "?" }
        let cents = minor % 100
        return "\(currency?.string ?? "") \(minor / 100).\(cents < 10 ? "0" : "")\(cents)"
    }
}

extension JSONValue {
    /// The member `key` of an object; nil for anything else.
    fileprivate subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members[key]
    }

    /// The text of a string; nil for anything else.
    fileprivate var string: String? {
        guard case .string(let text) = self else { return nil }
        return text
    }

    /// The value as the demo prints it: strings bare, numbers and the rest as JSON.
    fileprivate var text: String {
        switch self {
        case .string(let text): text
        case .integer(let value): String(value)
        case .number(let value): String(value)
        case .bool(let value): String(value)
        case .null: "null"
        case .array, .object: String(decoding: (try? JSONCoding.encode(self)) ?? [], as: UTF8.self)
        }
    }
}
