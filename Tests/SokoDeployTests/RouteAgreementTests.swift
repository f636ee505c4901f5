import SokoDeploy
import SokoManifest
import Testing

@Suite("soko routes --check: manifests, handlers and OpenAPI agree")
struct RouteAgreementTests {
    static let manifest = """
        service: shop
        functions:
          listThings:
            http: GET /things
            auth: public
          getThing:
            http: GET /things/{id}
          login:
            http:
              - GET /login
              - POST /login
            auth: public
          reserve:
            http: POST /internal/reserve
            auth: service
          sandboxToken:
            http: GET /_sandbox/token
            auth: public
          tidy:
            schedule: every 10m
        """

    static let openAPI = """
        openapi: 3.1.0
        info: { title: t, version: "1" }
        paths:
          /healthz:
            get: { operationId: healthz, responses: { "200": { description: ok } } }
          /things:
            get: { operationId: listThings, responses: { "200": { description: ok } } }
          /things/{thingId}:
            get: { operationId: getThing, responses: { "200": { description: ok } } }
          /login:
            get: { operationId: login, responses: { "200": { description: ok } } }
            post: { operationId: loginSubmit, responses: { "200": { description: ok } } }
        """

    static let handlers: Set<String> = ["listThings", "getThing", "login", "reserve", "sandboxToken", "tidy"]

    static func check(
        manifest: String = manifest, handlers: Set<String> = handlers, openAPI: String = openAPI
    ) throws -> [String] {
        let parsed = try ManifestParser.parse(yaml: manifest, file: "shop.yaml")
        return try RouteAgreement.disagreements(manifests: [parsed], registered: ["shop": handlers], openAPI: openAPI)
    }

    @Test func agreementIsSilent() throws {
        // Parameter names may differ; service and /_ routes may go undocumented; a function with
        // two routes names the second operation after itself; the host's /healthz is in no manifest.
        #expect(try Self.check() == [])
    }

    @Test func aManifestFunctionWithoutAHandler() throws {
        #expect(
            try Self.check(handlers: Self.handlers.subtracting(["tidy"]))
                == ["shop.yaml: tidy has no registered handler in the shop bundle"])
    }

    @Test func aHandlerNoManifestNames() throws {
        #expect(
            try Self.check(handlers: Self.handlers.union(["stray"]))
                == ["shop.yaml: the shop bundle registers stray, which the manifest does not name"])
    }

    @Test func anOperationThatIsNoManifestRoute() throws {
        let openAPI =
            Self.openAPI + "\n  /gone:\n    delete: { operationId: gone, responses: { \"204\": { description: ok } } }\n"
        #expect(try Self.check(openAPI: openAPI) == ["openapi.yaml: DELETE /gone is in no manifest"])
    }

    @Test func aPublicRouteWithoutAnOperation() throws {
        let manifest = Self.manifest + "\n  addThing:\n    http: POST /things\n    auth: admin\n"
        #expect(
            try Self.check(manifest: manifest, handlers: Self.handlers.union(["addThing"]))
                == ["shop.yaml: addThing (POST /things) has no operation in openapi.yaml"])
    }

    @Test func anOperationIdThatIsNotTheFunctionsName() throws {
        let openAPI = Self.openAPI.replacingOccurrences(of: "operationId: getThing", with: "operationId: fetchThing")
        #expect(
            try Self.check(openAPI: openAPI) == ["openapi.yaml: GET /things/{thingId} has operationId fetchThing, not getThing"])
    }

    @Test func everyDisagreementIsListed() throws {
        let openAPI = Self.openAPI.replacingOccurrences(of: "  /things:\n", with: "  /stuff:\n")
        #expect(
            try Self.check(handlers: Self.handlers.subtracting(["getThing"]).union(["stray"]), openAPI: openAPI) == [
                "shop.yaml: getThing has no registered handler in the shop bundle",
                "shop.yaml: the shop bundle registers stray, which the manifest does not name",
                "openapi.yaml: GET /stuff is in no manifest",
                "shop.yaml: listThings (GET /things) has no operation in openapi.yaml",
            ])
    }

    @Test func aDocumentWithoutPathsIsRefused() {
        #expect(throws: RouteAgreementError.self) { try Self.check(openAPI: "openapi: 3.1.0\n") }
    }
}
