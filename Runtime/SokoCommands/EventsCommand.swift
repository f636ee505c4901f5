import ArgumentParser
import Foundation
import SokoFunctions
import SokoHost
import SokoStore

struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events", abstract: "Inspect and replay event deliveries that failed for good (dead letters).",
        subcommands: [DeadLetters.self, RetryDeadLetter.self])
}

struct DeadLetters: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dead", abstract: "List the dead letters of the selected services (one JSON object per line).")

    @OptionGroup var options: ManifestOptions

    func run() async throws {
        try await EventStores.each(options) { service, store in
            let letters = try await EventAdministration.deadLetters(store: store)
            for letter in letters {
                print(String(decoding: try JSONCoding.encode(Line(service: service, letter: letter)), as: UTF8.self))
            }
            return letters.count
        } summary: { total in
            FileHandle.standardError.write(Data("\(total) dead letter(s)\n".utf8))
        }
    }
}

/// A dead letter with its service, as one JSON object.
private struct Line: Encodable {
    var service: String
    var letter: EventAdministration.DeadLetter

    private enum Keys: String, CodingKey { case service }

    func encode(to encoder: Encoder) throws {
        try letter.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(service, forKey: .service)
    }
}

struct RetryDeadLetter: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Queue an event's dead deliveries again, with a fresh set of retries (a running relay delivers them).")

    @Argument(help: "The event id (from `soko events dead`).")
    var id: String

    @OptionGroup var options: ManifestOptions

    func run() async throws {
        try await EventStores.each(options) { _, store in
            try await EventAdministration.retry(eventID: id, store: store)
        } summary: { total in
            guard total > 0 else {
                print("no dead delivery of event \(id)")
                throw ExitCode(1)
            }
            print("queued \(total) delivery(ies) of event \(id) again")
        }
    }
}

/// Opens the selected services' stores, runs `body` on each and reports the sum.
enum EventStores {
    static func each(
        _ options: ManifestOptions, _ body: (String, Store) async throws -> Int, summary: (Int) throws -> Void
    ) async throws {
        try await StartupFailure.reporting {
            let host = try options.host(try options.configuration())
            let stores: ServiceStores
            do {
                stores = try await host.openStores()
            } catch let error as StoreError {
                throw StartupFailure(error.description)
            }
            var total = 0
            do {
                for service in stores.services { total += try await body(service, stores.store(for: service)) }
            } catch {
                await stores.close()
                throw StartupFailure("\(error)")
            }
            await stores.close()
            try summary(total)
        }
    }
}
