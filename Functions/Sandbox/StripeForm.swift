import SokoFunctions

/// Stripe's request parameters: `application/x-www-form-urlencoded` with bracketed names
/// (`metadata[order_id]=…`, `automatic_payment_methods[enabled]=true`, `expand[]=latest_charge`).
struct StripeForm: Sendable {
    let pairs: [(name: String, value: String)]

    init(_ text: String) {
        pairs = QueryParameters(parsing: Substring(text)).pairs
    }

    init(pairs: [(name: String, value: String)]) {
        self.pairs = pairs
    }

    subscript(_ name: String) -> String? { pairs.last { $0.name == name }?.value }

    /// `name[key]=value` pairs as a dictionary (`metadata`).
    func dictionary(_ name: String) -> [String: String] {
        var result: [String: String] = [:]
        let prefix = name + "["
        for pair in pairs where pair.name.hasPrefix(prefix) && pair.name.hasSuffix("]") {
            result[String(pair.name.dropFirst(prefix.count).dropLast())] = pair.value
        }
        return result
    }

    /// `name[]=a&name[]=b` or `name[0]=a&name[1]=b`.
    func list(_ name: String) -> [String] {
        pairs.filter {
            $0.name == name + "[]" || ($0.name.hasPrefix(name + "[") && $0.name.dropFirst(name.count + 1).first?.isNumber == true)
        }
        .map(\.value)
    }

    /// Refuses a parameter that is neither in `names` nor under one of `families` (`metadata`
    /// takes `metadata[…]`), as Stripe does (`parameter_unknown`).
    func check(names: Set<String>, families: Set<String> = []) throws(StripeError) {
        for pair in pairs {
            if names.contains(pair.name) { continue }
            if let open = pair.name.firstIndex(of: "["), families.contains(String(pair.name[..<open])) { continue }
            throw .unknown(pair.name)
        }
    }

    /// An integer parameter: nil when absent.
    func integer(_ name: String) throws(StripeError) -> Int? {
        guard let text = self[name] else { return nil }
        guard let value = Int(text) else { throw .invalidInteger(name, text) }
        return value
    }

    /// A boolean parameter (`true`/`false`): nil when absent.
    func boolean(_ name: String) throws(StripeError) -> Bool? {
        guard let text = self[name] else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default: throw .invalidRequest("Invalid boolean: \(text)", code: "parameter_invalid_boolean", param: name)
        }
    }

    /// `metadata[…]`, checked against Stripe's limits (50 keys, key ≤ 40 and value ≤ 500 characters).
    func metadata() throws(StripeError) -> [String: String] {
        let metadata = dictionary("metadata")
        guard metadata.count <= 50 else { throw .invalidRequest("Metadata can have at most 50 keys.", param: "metadata") }
        for (key, value) in metadata {
            guard !key.isEmpty, key.count <= 40 else {
                throw .invalidRequest("Metadata keys must be 1 to 40 characters: \(key)", param: "metadata[\(key)]")
            }
            guard value.count <= 500 else {
                throw .invalidRequest("Metadata values can be at most 500 characters.", param: "metadata[\(key)]")
            }
        }
        return metadata
    }

    /// A canonical form of every parameter (sorted), for comparing a replay's parameters.
    var fingerprint: String {
        pairs.map { FormEncoding.encode($0.name) + "=" + FormEncoding.encode($0.value) }.sorted().joined(separator: "&")
    }
}
