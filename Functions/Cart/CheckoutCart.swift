import Contracts
import SokoFunctions

/// `checkoutCart` — POST /internal/cart/checkout (service): a customer's cart lines, oldest first,
/// for `orders.placeOrder` to price and reserve. A customer without a cart has no lines. With
/// `cart_token` (a guest's order) the lines are that guest cart's.
enum CheckoutCart: Function {
    static func run(_ input: CustomerReference, context: FunctionContext) async throws -> CartCheckout {
        guard !input.customerID.isEmpty else {
            throw FunctionError.validation([FieldError(field: "customer_id", message: "is required")])
        }
        // A guest's order names the guest cart by its token; a token that names no cart has no lines.
        let guest = input.cartToken.flatMap(CartToken.init(presented:))
        let lines = try await context.store.transaction { transaction -> [CartLine] in
            let id =
                try guest.map { try CartRepository.cartID(guest: $0, transaction) }
                ?? CartRepository.cartID(customer: input.customerID, transaction)
            return try id.map { try CartRepository.lines($0, transaction) } ?? []
        }
        return CartCheckout(
            items: lines.map { ProductQuantity(productID: $0.productID, variantID: $0.variantID, quantity: $0.quantity) })
    }
}
