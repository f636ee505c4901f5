import ShopWeb
import SokoFunctions

/// The merchant console: server-rendered pages under `/admin` for the admin role — products,
/// stock, categories, orders, the mail log and dead letters. It keeps no data: every page calls
/// the owning bundles' admin routes as the signed-in admin (``RouteCall`` with the session's
/// bearer token), so it deploys and scales as a service of its own, and the callees' `auth: admin`
/// is what protects the data (the gate below only chooses the page to show).
public enum ConsoleBundle: FunctionBundle {
    public static let service = "console"

    public static func register(_ registry: inout FunctionRegistry) {
        let settings: WebSettings
        do {
            settings = try ConsoleSettings.web(environment: registry.environment, mode: registry.mode)
        } catch {
            registry.refuse("\(error)")
            return
        }
        let console = Console(settings: settings)
        registry.add(AdminSession.self)
        registry.add(ConsoleAsset(console: console))
        registry.add(ConsoleHome(console: console))
        registry.add(ConsoleSignOut(console: console))
        registry.add(ConsoleCatalog(console: console))
        registry.add(ConsoleNewProduct(console: console))
        registry.add(ConsoleCreateProduct(console: console))
        registry.add(ConsoleProduct(console: console))
        registry.add(ConsoleSaveProduct(console: console))
        registry.add(ConsoleSetStock(console: console))
        registry.add(ConsoleSetOptions(console: console))
        registry.add(ConsoleAddVariant(console: console))
        registry.add(ConsoleSetVariantStock(console: console))
        registry.add(ConsoleArchiveProduct(console: console))
        registry.add(ConsoleCategories(console: console))
        registry.add(ConsoleCreateCategory(console: console))
        registry.add(ConsoleSaveCategory(console: console))
        registry.add(ConsoleSales(console: console))
        registry.add(ConsoleSale(console: console))
        registry.add(ConsoleChangeSale(console: console))
        registry.add(ConsoleZones(console: console))
        registry.add(ConsoleCreateZone(console: console))
        registry.add(ConsoleSaveZone(console: console))
        registry.add(ConsoleMail(console: console))
        registry.add(ConsoleDeadLetters(console: console))
        registry.add(ConsoleRetryDeadLetter(console: console))
    }
}

/// What every console page shares, built once at registration.
struct Console: Sendable {
    let settings: WebSettings
    let assets = ConsoleAssets.catalog

    /// Where a signed-out visitor is sent (the storefront's sign-in page, which returns to `next`).
    static let signInPath = "/signin"

    /// The services whose dead letters the console shows: every shop service that keeps a store.
    static let servicesWithOutboxes = ["users", "catalog", "cart", "orders", "payments", "notifications"]
}
