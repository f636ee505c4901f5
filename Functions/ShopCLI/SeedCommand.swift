import ArgumentParser
import Catalog
import Orders
import SokoCommands
import SokoFunctions
import SokoHost
import SokoStore

/// `soko seed`: loads the demo catalog into an empty catalog store (a store that has products is
/// left alone, so running it twice is harmless); with `--delivery-zones`, also the four demo
/// delivery zones into an Orders store without zones (`scripts/run.sh` passes it). Without the flag
/// the shop has no zones and orders need none — what the benchmarks and most tests expect.
struct Seed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load the demo catalog (categories, products, stock) when the catalog has no products yet.")

    @Flag(help: "Also load the demo delivery zones (Nairobi CBD, outskirts, upcountry, a pickup station) when there are none.")
    var deliveryZones = false

    func run() async throws {
        try await StartupFailure.reporting {
            let configuration = try HostConfiguration.fromEnvironment(Environment.variables)
            let store = try configuration.store.open(service: CatalogBundle.service)
            do {
                _ = try await Migrator.migrate(store, migrations: CatalogBundle.migrations)
                let inserted = try await DemoCatalog.seed(store: store)
                await store.close()
                print(
                    inserted > 0
                        ? "loaded \(inserted) demo products" : "the catalog already has products; nothing loaded")
            } catch let error as StoreError {
                await store.close()
                throw StartupFailure(error.description)
            }
            guard deliveryZones else { return }
            let orders = try configuration.store.open(service: OrdersBundle.service)
            do {
                _ = try await Migrator.migrate(orders, migrations: OrdersBundle.migrations)
                let zones = try await DemoDeliveryZones.seed(store: orders)
                await orders.close()
                if zones > 0 { print("loaded \(zones) demo delivery zones") }
            } catch let error as StoreError {
                await orders.close()
                throw StartupFailure(error.description)
            }
        }
    }
}
