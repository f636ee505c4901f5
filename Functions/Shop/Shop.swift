import Cart
import Catalog
import Console
import Examples
import Notifications
import Orders
import Payments
import Sandbox
import SokoFunctions
import Storefront
import Users

/// The shop: its bundles, listed once. The `soko` executable serves them and the shop's tests
/// (``ShopHost``) host them; a new bundle is added here and nowhere else.
public enum Shop {
    /// Every bundle compiled into the shop's `soko` binary.
    public static let bundles: [any FunctionBundle.Type] = [
        ExamplesBundle.self, UsersBundle.self, CatalogBundle.self, CartBundle.self, OrdersBundle.self, PaymentsBundle.self,
        NotificationsBundle.self, SandboxBundle.self, StorefrontBundle.self, ConsoleBundle.self,
    ]
}
