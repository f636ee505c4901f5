/// The routes claimed so far, keyed by shape, to find two functions answering the same requests.
struct RouteClaims {
    private struct Claim {
        let route: HTTPRoute
        let function: String
        let file: String
    }

    private var claims: [RouteShape: Claim] = [:]

    mutating func claim(_ route: HTTPRoute, by function: String, in file: String) throws(ManifestError) {
        let shape = RouteShape(route)
        if let earlier = claims[shape] {
            let owner = "by \"\(earlier.function)\" in \(earlier.file)"
            let message =
                earlier.route == route
                ? "route \(route.method) \(route.path) is already declared \(owner)"
                : "route \(route.method) \(route.path) matches the same requests as \(earlier.route.method) \(earlier.route.path), declared \(owner) (parameters in the same position are the same route)"
            throw ManifestError(file: file, key: "functions.\(function).http", message: message)
        }
        claims[shape] = Claim(route: route, function: function, file: file)
    }
}
