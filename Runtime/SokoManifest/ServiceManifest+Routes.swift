extension ServiceManifest {
    /// Every HTTP route of the manifest with the function it triggers, in file order.
    ///
    /// A function listing several routes appears once per route; event and scheduled functions
    /// do not appear.
    public var httpRoutes: [(FunctionManifest, HTTPRoute)] {
        functions.flatMap { function -> [(FunctionManifest, HTTPRoute)] in
            guard case .http(let routes) = function.trigger else { return [] }
            return routes.map { (function, $0) }
        }
    }
}
