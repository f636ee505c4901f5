import ShopWeb
import SokoFunctions

/// The storefront: the shoppers' web pages, one function per page, served by the host like any
/// other bundle. It keeps no data of its own: every page calls the Catalog, Cart, Users, Orders
/// and Payments routes as the shopper (``WebRequest/call(_:_:_:)``).
public enum StorefrontBundle: FunctionBundle {
    public static let service = "storefront"

    public static func register(_ registry: inout FunctionRegistry) {
        let settings: WebSettings
        do {
            settings = try WebSettings(environment: registry.environment, mode: registry.mode)
        } catch {
            registry.refuse("\(error)")
            return
        }
        registry.report("SOKO_STRIPE_PUBLISHABLE_KEY", settings.publishableKey)
        registry.report("SOKO_WEB_SECRET", registry.environment["SOKO_WEB_SECRET"] == nil ? "(random per process)" : "(set)")
        let shop = Storefront(settings: settings)
        registry.add(HomePage(shop: shop))
        registry.add(CategoryPage(shop: shop))
        registry.add(SearchPage(shop: shop))
        registry.add(ProductPage(shop: shop))
        registry.add(BasketPage(shop: shop))
        registry.add(BasketAdd(shop: shop))
        registry.add(BasketUpdate(shop: shop))
        registry.add(SignInPage(shop: shop))
        registry.add(SignInSubmit(shop: shop))
        registry.add(RegisterPage(shop: shop))
        registry.add(RegisterSubmit(shop: shop))
        registry.add(SignOut(shop: shop))
        registry.add(ForgotPasswordPage(shop: shop))
        registry.add(ForgotPasswordSubmit(shop: shop))
        registry.add(ResetPasswordPage(shop: shop))
        registry.add(ResetPasswordSubmit(shop: shop))
        registry.add(VerifyEmailPage(shop: shop))
        registry.add(VerifyEmailSubmit(shop: shop))
        registry.add(CheckoutPage(shop: shop))
        registry.add(CheckoutSubmit(shop: shop))
        registry.add(OrdersPage(shop: shop))
        registry.add(OrderPage(shop: shop))
        registry.add(PaymentPage(shop: shop))
        registry.add(PayMpesaSubmit(shop: shop))
        registry.add(CardPage(shop: shop))
        registry.add(PaymentWaitPage(shop: shop))
        registry.add(OrderStatus(shop: shop))
        registry.add(GuestOrderPage(shop: shop))
        registry.add(GuestPaySubmit(shop: shop))
        registry.add(GuestCardPage(shop: shop))
        registry.add(StorefrontAsset.self)
    }
}
