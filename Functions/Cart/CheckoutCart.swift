import SokoFunctions

/// `checkoutCart` — POST /internal/cart/checkout (service): a customer's cart lines, oldest first,
/// for `orders.placeOrder` to price and reserve. A customer without a cart has no lines.
enum CheckoutCart: Function {
    struct Input: Codable, Sendable {
        var customerID: String
        enum CodingKeys: String, CodingKey { case customerID = "customer_id" }
    }

    struct Output: Codable, Sendable, Equatable {
        var items: [Line]

        struct Line: Codable, Sendable, Equatable {
            var productID: String
            var quantity: Int
            enum CodingKeys: String, CodingKey {
                case productID = "product_id"
                case quantity
            }
        }
    }

    static func run(_ input: Input, context: FunctionContext) async throws -> Output {
        guard !input.customerID.isEmpty else {
            throw FunctionError.validation([FieldError(field: "customer_id", message: "is required")])
        }
        let lines = try await context.store.transaction { transaction -> [CartLine] in
            try CartRepository.cartID(customer: input.customerID, transaction)
                .map { try CartRepository.lines($0, transaction) } ?? []
        }
        return Output(items: lines.map { Output.Line(productID: $0.productID, quantity: $0.quantity) })
    }
}
