import SokoManifest
import Testing

@Suite("ManifestValidator")
struct ManifestValidatorTests {
    static func manifest(_ service: String, file: String, _ functions: [(String, [String])]) -> ServiceManifest {
        ServiceManifest(
            service: service, file: file,
            functions: functions.map { name, routes in
                FunctionManifest(name: name, trigger: .http(routes.map { HTTPRouteParser.parse($0)! }))
            })
    }

    static let cart = manifest(
        "cart", file: "cart.yaml",
        [
            ("addToCart", ["POST /cart/items"]),
            ("getCart", ["GET /cart", "HEAD /cart"]),
            ("removeItem", ["DELETE /cart/items/{itemId}"]),
        ])
    static let users = manifest(
        "users", file: "users.yaml",
        [
            ("getUser", ["GET /users/{id}"]),
            ("me", ["GET /users/me"]),
        ])
    static let handlers: [String: Set<String>] = [
        "cart": ["addToCart", "getCart", "removeItem", "unused"],
        "users": ["getUser", "me"],
        "examples": ["hello"],
    ]

    @Test func acceptsDistinctRoutesAndLiteralBesideParameter() throws {
        try ManifestValidator.validate([Self.cart, Self.users], handlers: Self.handlers)
    }

    @Test func acceptsEventAndScheduledFunctions() throws {
        let jobs = ServiceManifest(
            service: "examples", file: "examples.yaml",
            functions: [
                FunctionManifest(name: "hello", trigger: .event(["order.placed"]))
            ])
        try ManifestValidator.validate([jobs], handlers: Self.handlers)
    }

    @Test func aFunctionOnItsOwnNeedsAUnitNameNoOneElseHas() throws {
        var cart = Self.cart
        cart.functions[0].deploy = .function
        try ManifestValidator.validate([cart, Self.users], handlers: Self.handlers)
        // A service already named like the unit.
        let clash = Self.manifest("cart-add-to-cart", file: "clash.yaml", [("hello", ["GET /clash"])])
        let taken = try #require(
            validationError([cart, clash], handlers: Self.handlers.merging(["cart-add-to-cart": ["hello"]]) { $1 }))
        #expect(taken.file == "cart.yaml" && taken.key == "functions.addToCart.deploy")
        #expect(taken.message.contains("\"cart-add-to-cart\", which is already the name of service cart-add-to-cart"))
        // Two functions whose unit names meet.
        var twins = Self.manifest("cart", file: "cart.yaml", [("addItem", ["POST /a"]), ("add_item", ["POST /b"])])
        twins.deploy = .function
        let twin = try #require(validationError([twins], handlers: ["cart": ["addItem", "add_item"]]))
        #expect(twin.key == "functions.add_item.deploy" && twin.message.contains("cart.addItem"))
        // Too long for a DNS label.
        var long = Self.manifest("cart", file: "cart.yaml", [(String(repeating: "a", count: 60), ["POST /a"])])
        long.functions[0].deploy = .function
        let tooLong = try #require(validationError([long], handlers: ["cart": [String(repeating: "a", count: 60)]]))
        #expect(tooLong.message.contains("no DNS label"))
    }

    @Test func serviceWithoutBundle() throws {
        let shop = Self.manifest("shop", file: "shop.yaml", [("f", ["GET /f"])])
        let error = try #require(validationError([Self.cart, shop]))
        #expect(error.file == "shop.yaml")
        #expect(error.key == "service")
        #expect(error.message == "no bundle named \"shop\" is compiled into this binary (known: cart, examples, users)")
    }

    @Test func anUnregisteredBundlesHandlersAreLeftToRoutesCheck() throws {
        // users is compiled in but not registered by this process: its handler names go unchecked…
        try ManifestValidator.validate(
            [Self.cart, Self.users], handlers: ["cart": Self.handlers["cart"]!], unregistered: ["users"])
        // …while a service compiled in nowhere is still refused, naming the unregistered ones as known…
        let shop = Self.manifest("shop", file: "shop.yaml", [("f", ["GET /f"])])
        do {
            try ManifestValidator.validate(
                [Self.cart, shop], handlers: ["cart": Self.handlers["cart"]!], unregistered: ["users"])
            Issue.record("a manifest without a bundle was accepted")
        } catch {
            #expect(error.message == "no bundle named \"shop\" is compiled into this binary (known: cart, users)")
        }
        // …and its routes still take part in the deployment-wide checks.
        let clash = Self.manifest("users", file: "users.yaml", [("me", ["POST /cart/items"])])
        do {
            try ManifestValidator.validate(
                [Self.cart, clash], handlers: ["cart": Self.handlers["cart"]!], unregistered: ["users"])
            Issue.record("a route claimed twice was accepted")
        } catch {
            #expect(error.key == "functions.me.http")
        }
    }

    @Test func functionWithoutHandler() throws {
        let cart = Self.manifest(
            "cart", file: "cart.yaml", [("addToCart", ["POST /cart/items"]), ("checkout", ["POST /checkout"])])
        let error = try #require(validationError([cart], handlers: ["cart": ["b", "a"]]))
        #expect(error.file == "cart.yaml")
        #expect(error.key == "functions.addToCart")
        #expect(error.message == "no handler named \"addToCart\" is registered by the \"cart\" bundle (registered: a, b)")
    }

    @Test func sameRouteInTwoManifests() throws {
        let shop = Self.manifest("users", file: "users.yaml", [("getUser", ["GET /users/{id}"]), ("me", ["POST /cart/items"])])
        let error = try #require(validationError([Self.cart, shop]))
        #expect(error.file == "users.yaml")
        #expect(error.key == "functions.me.http")
        #expect(error.message.contains("POST /cart/items is already declared by \"addToCart\" in cart.yaml"), "\(error.message)")
    }

    @Test(
        "parameters in the same position are the same route",
        arguments: [
            ("DELETE /cart/items/{itemId}", "DELETE /cart/items/{id}", true),
            ("GET /a/{x}/b/{y}", "GET /a/{p}/b/{q}", true),
            ("GET /a/{x}", "GET /a/b", false),
            ("GET /a/{x}", "POST /a/{y}", false),
            ("GET /a/{x}", "GET /a/{x}/b", false),
            ("GET /a", "GET /A", false),
            ("GET /", "GET /", true),
        ])
    func shapes(first: String, second: String, clash: Bool) throws {
        let m = Self.manifest("cart", file: "cart.yaml", [("one", [first]), ("two", [second])])
        let error = validationError([m], handlers: ["cart": ["one", "two"]], expectFailure: clash)
        #expect((error != nil) == clash)
        if let error {
            #expect(error.key == "functions.two.http")
            #expect(error.message.contains("\"one\" in cart.yaml"), "\(error.message)")
        }
    }

    @Test func sameRouteTwiceInOneFunction() throws {
        let m = Self.manifest("cart", file: "cart.yaml", [("one", ["GET /a/{x}", "GET /a/{y}"])])
        let error = try #require(validationError([m], handlers: ["cart": ["one"]]))
        #expect(error.key == "functions.one.http")
        #expect(error.message.contains("matches the same requests as GET /a/{x}"), "\(error.message)")
    }

    @Test func sameServiceTwice() throws {
        let again = Self.manifest("cart", file: "cart-2.yaml", [("addToCart", ["POST /other"])])
        let error = try #require(validationError([Self.cart, again]))
        #expect(error.file == "cart-2.yaml")
        #expect(error.key == "service")
        #expect(error.message.contains("cart.yaml"))
    }

    @Test func shapeErasesParameterNamesOnly() {
        let a = RouteShape(HTTPRouteParser.parse("GET /a/{x}")!)
        #expect(a == RouteShape(HTTPRouteParser.parse("GET /a/{y}")!))
        #expect(a.segments == [.literal("a"), .parameter])
        #expect(a != RouteShape(HTTPRouteParser.parse("PUT /a/{x}")!))
    }

    private func validationError(
        _ manifests: [ServiceManifest], handlers: [String: Set<String>] = handlers,
        expectFailure: Bool = true
    ) -> ManifestError? {
        do {
            try ManifestValidator.validate(manifests, handlers: handlers)
            if expectFailure { Issue.record("validated") }
            return nil
        } catch {
            return error
        }
    }
}
