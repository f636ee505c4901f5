import Foundation
import ShopTesting
import SokoFunctions
import SokoHost
import SokoStore
import SokoTesting
import Testing

@testable import Orders

/// Fifty customers, one unit each in their carts, ten units on the shelf: exactly ten orders.
enum LastUnitsRace {
    static func run(_ shop: OrdersShop) async throws {
        let product = try await shop.product("LAST-TEN", price: 100_000, onHand: 10)
        // One by one: concurrent sign-ins from one address would trip the sign-in throttle.
        var customers: [String] = []
        for index in 0..<50 {
            let token = try await shop.shop.customer("buyer\(index)@example.com")
            try await shop.addToCart(token, product, quantity: 1)
            customers.append(token)
        }
        #expect(customers.count == 50)

        // Orders and catalog reads interleave: available is never seen below zero.
        let (responses, seen) = try await withThrowingTaskGroup(of: ([TestResponse], [Int]).self) { group in
            for token in customers {
                group.addTask { ([try await shop.placeOrder(token)], []) }
            }
            group.addTask {
                var seen: [Int] = []
                for _ in 0..<10 { seen.append(try await shop.available(product)) }
                return ([], seen)
            }
            return try await group.reduce(into: ([TestResponse](), [Int]())) {
                $0.0 += $1.0
                $0.1 += $1.1
            }
        }
        let created = responses.filter { $0.status == 201 }
        let refused = responses.filter { $0.status == 409 }
        #expect(created.count == 10, "\(responses.filter { $0.status != 201 && $0.status != 409 }.map(\.text))")
        #expect(refused.count == 40)
        for response in refused {
            #expect(response.headers["Content-Type"] == "application/problem+json")
            #expect(response.problem?.code == "insufficient-stock")
        }
        #expect(seen.allSatisfy { $0 >= 0 && $0 <= 10 }, "\(seen)")
        #expect(try await shop.available(product) == 0)
        #expect(try await shop.count("SELECT COUNT(*) AS n FROM orders WHERE status = 'pending_payment'") == 10)
        #expect(try await shop.count("SELECT COUNT(*) AS n FROM orders WHERE status = 'rejected'") == 40)
        #expect(Set(try created.map { try $0.json(OrderDocument.self).customerID }).count == 10)
    }
}

@Suite("The last units")
struct OrderRaceTests {
    @Test func fiftyCustomersBuyTheLastTenUnitsOnSQLite() async throws {
        let shop = try await OrdersShop.start()
        try await LastUnitsRace.run(shop)
        await shop.shutdown()
    }
}

/// The race again with every store in PostgreSQL (`SOKO_TEST_POSTGRES_URL`, set by
/// scripts/test.sh), in schemas of its own. Skipped when no server was started, except under CI,
/// where that fails.
@Suite("Orders on PostgreSQL")
struct PostgresOrderTests {
    static func start() async throws -> OrdersShop {
        var configuration = try #require(ShopHost.postgresConfiguration())
        configuration.store.poolSize = 8
        return try await OrdersShop.start(configuration: configuration)
    }

    @Test func postgresIsPresentUnderCI() {
        if ShopHost.inCI {
            #expect(ShopHost.postgresURL != nil, "SOKO_TEST_POSTGRES_URL is not set: the PostgreSQL orders suite did not run")
        }
    }

    @Test(.enabled(if: ShopHost.postgresURL != nil)) func fiftyCustomersBuyTheLastTenUnits() async throws {
        let shop = try await Self.start()
        try await LastUnitsRace.run(shop)
        await shop.shutdown()
    }

    @Test(.enabled(if: ShopHost.postgresURL != nil)) func twentyConcurrentRequestsWithOneKeyMakeOneOrder() async throws {
        let shop = try await Self.start()
        let ann = try await shop.shop.customer("ann@example.com")
        let kettle = try await shop.product("KETTLE", price: 250_000, onHand: 5)
        try await shop.addToCart(ann, kettle, quantity: 2)
        let responses = try await withThrowingTaskGroup(of: TestResponse.self) { group in
            for _ in 0..<20 { group.addTask { try await shop.placeOrder(ann, key: "same-key") } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(responses.map(\.status) == Array(repeating: 201, count: 20), "\(responses.map(\.text))")
        #expect(Set(try responses.map { try $0.json(OrderDocument.self).id }).count == 1)
        #expect(try await shop.count("SELECT COUNT(*) AS n FROM orders") == 1)
        #expect(try await shop.available(kettle) == 3)
        await shop.shutdown()
    }
}
