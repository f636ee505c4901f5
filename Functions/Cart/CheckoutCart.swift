import Contracts
import SokoFunctions

/// `checkoutCart` — POST /internal/cart/checkout (service): a customer's cart lines, oldest first,
/// for `orders.placeOrder` to price and reserve. A customer without a cart has no lines.
enum CheckoutCart: Function {
    static func run(_ input: CustomerReference, context: FunctionContext) async throws -> CartCheckout {
        guard !input.customerID.isEmpty else {
            throw FunctionError.validation([FieldError(field: "customer_id", message: "is required")])
        }
        let lines = try await context.store.transaction { transaction -> [CartLine] in
            try CartRepository.cartID(customer: input.customerID, transaction)
                .map { try CartRepository.lines($0, transaction) } ?? []
        }
        return CartCheckout(
            items: lines.map { ProductQuantity(productID: $0.productID, variantID: $0.variantID, quantity: $0.quantity) })
    }
}
