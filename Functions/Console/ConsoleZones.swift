import Contracts
import ShopWeb
import SokoFunctions

/// `GET /admin/zones` — the shop's delivery zones (`orders.adminListDeliveryZones`): a form to add
/// one and one to edit each (name, fee, free-from amount, pickup station, pay on delivery,
/// active). Amounts are typed in KES as on the product form (`PriceText`).
struct ConsoleZones: DependentRawFunction {
    let console: Console

    typealias Zone = DeliveryZoneDocument
    typealias ZoneList = DeliveryZoneDocument.List

    func run(_ request: FunctionRequest, context: FunctionContext) async throws -> FunctionResponse {
        var page = ConsoleRequest(request, context: context, console: console)
        if let refusal = try await page.admit() { return refusal }
        return try await Self.render(&page, errors: [])
    }

    static func render(_ page: inout ConsoleRequest, errors: [String]) async throws -> FunctionResponse {
        let zones = try await page.web.call("orders", "adminListDeliveryZones").decode(ZoneList.self).items
        let csrf = page.web.csrfField
        let rows = HTML.join(
            zones.map { zone -> HTML in
                """
                <li><form class="inline" method="post" action="/admin/zones/\(zone.id)" aria-label="Edit \(zone.name)">\(csrf)
                \(fields(zone))
                <button type="submit">Save</button>
                </form></li>
                """
            })
        return page.page(
            "Delivery zones", status: errors.isEmpty ? 200 : 422, current: .zones,
            main: """
                <h1>Delivery zones</h1>
                \(ConsoleLayout.errors(errors))
                <p>Shoppers choose one at checkout; its fee is the order's delivery charge. Once a zone is active, every order needs one.</p>
                <section aria-labelledby="new-heading">
                <h2 id="new-heading">New zone</h2>
                <form class="inline" method="post" action="/admin/zones">\(csrf)
                \(fields(nil))
                <button type="submit">Add zone</button>
                </form>
                </section>
                <section aria-labelledby="all-heading">
                <h2 id="all-heading">All zones</h2>
                \(zones.isEmpty ? HTML.raw("<p>None yet: orders pay the flat shipping fee.</p>") : "<ul class=\"categories\">\(rows)</ul>")
                </section>
                """)
    }

    /// The zone's inputs (empty for a new one).
    static func fields(_ zone: Zone?) -> HTML {
        let currency = zone?.currency ?? "KES"
        func check(_ on: Bool) -> HTML { on ? " checked" : "" }
        let fee = zone.map { PriceText.decimal($0.fee, currency: currency) } ?? ""
        let free = zone?.freeAbove.map { PriceText.decimal($0, currency: currency) } ?? ""
        return """
            <label>Name <input name="name" value="\(zone?.name ?? "")" required maxlength="80"></label>
            <label>Fee (\(currency)) <input name="fee" value="\(fee)" required inputmode="decimal" placeholder="200.00"></label>
            <label>Free from (\(currency), optional) <input name="free_above" value="\(free)" inputmode="decimal"></label>
            <input type="hidden" name="currency" value="\(currency)">
            <label class="check"><input type="checkbox" name="pickup" value="1"\(check(zone?.pickup ?? false))> Pickup station</label>
            <label class="check"><input type="checkbox" name="cash_on_delivery" value="1"\(check(zone?.cashOnDelivery ?? false))> Pay on delivery</label>
            <label class="check"><input type="checkbox" name="active" value="1"\(check(zone?.active ?? true))> Active</label>
            """
    }

    /// The form as the body of `createDeliveryZone` / `updateDeliveryZone`, or the reasons it is not one.
    static func body(_ form: FormBody) -> Result<[UInt8], FormErrors> {
        let currency = form["currency"] ?? "KES"
        var errors: [String] = []
        let fee = PriceText.minorUnits(form["fee"] ?? "", currency: currency)
        if fee == nil { errors.append("Fee: must be an amount such as 200 or 1,250.50") }
        let freeText = (form["free_above"] ?? "").trimmingWhitespace()
        let free = freeText.isEmpty ? nil : PriceText.minorUnits(freeText, currency: currency)
        if !freeText.isEmpty && free == nil { errors.append("Free from: must be an amount, or empty for never") }
        guard errors.isEmpty, let fee else { return .failure(FormErrors(messages: errors)) }
        let fields: [String: JSONValue] = [
            "name": .string(form["name"] ?? ""), "fee": .integer(Int64(fee)), "currency": .string(currency),
            "free_above": free.map { .integer(Int64($0)) } ?? .null, "pickup": .bool(form["pickup"] != nil),
            "cash_on_delivery": .bool(form["cash_on_delivery"] != nil), "active": .bool(form["active"] != nil),
        ]
        return (try? JSONCoding.encode(fields)).map { .success($0) }
            ?? .failure(FormErrors(messages: ["The form could not be read."]))
    }
}
