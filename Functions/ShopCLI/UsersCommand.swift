import ArgumentParser
import Glibc
import SokoCommands
import SokoFunctions
import SokoHost
import SokoStore
import Users

struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "Manage accounts.", subcommands: [CreateAdmin.self, RotateKeys.self, RetireKey.self])
}

struct CreateAdmin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-admin",
        abstract: "Create an admin account (the password is read from standard input, never from the command line).")

    @Option(help: "The admin's email address.")
    var email: String

    func run() async throws {
        try await StartupFailure.reporting {
            let configuration = try HostConfiguration.fromEnvironment(Environment.variables)
            guard let password = readLine(strippingNewline: true), !password.isEmpty else {
                throw StartupFailure(
                    "no password on standard input (pipe it in, e.g. `soko users create-admin --email a@b.c < file`)")
            }
            let store = try configuration.store.open(service: UsersBundle.service)
            let compute = ComputePool(threads: 1)
            defer { compute.shutdown() }
            do {
                _ = try await Migrator.migrate(store, migrations: UsersBundle.migrations)
                switch try await UsersAdministration.createAdmin(email: email, password: password, store: store, compute: compute)
                {
                case .created(let id): print("created admin \(id)")
                case .promoted(let id): print("\(id) already existed and now has the admin role (password unchanged)")
                }
                await store.close()
            } catch let error as FunctionError {
                await store.close()
                let details = error.problem.errors?.map { "\($0.field) \($0.message)" }.joined(separator: "; ") ?? ""
                throw StartupFailure("\(error.problem.detail)\(details.isEmpty ? "" : ": " + details)")
            } catch let error as StoreError {
                await store.close()
                throw StartupFailure(error.description)
            }
        }
    }
}

/// Opens the Users store (migrated) for an operator command, runs `body` and closes it; store
/// errors become a startup failure naming them.
private func withUsersStore(_ body: (Store) async throws -> Void) async throws {
    let configuration = try HostConfiguration.fromEnvironment(Environment.variables)
    let store = try configuration.store.open(service: UsersBundle.service)
    do {
        _ = try await Migrator.migrate(store, migrations: UsersBundle.migrations)
        try await body(store)
        await store.close()
    } catch let error as StoreError {
        await store.close()
        throw StartupFailure(error.description)
    } catch {
        await store.close()
        throw error
    }
}

private func printKeys(_ keys: [UsersAdministration.KeyState]) {
    for key in keys { print("\(key.kid)  \(key.signing ? "signing" : "published")") }
}

struct RotateKeys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate-keys",
        abstract: "Add a signing key: the published next key starts signing; the old one stays published until retired.",
        discussion: """
            Replicas switch to the new signer within SOKO_JWKS_REFRESH (default 60s). Retire the old \
            key (soko users retire-key KID) once the tokens it signed have expired (15 minutes).
            """)

    func run() async throws {
        try await StartupFailure.reporting {
            try await withUsersStore { store in
                let keys = try await UsersAdministration.rotateKeys(store: store)
                print("rotated; live keys, oldest first:")
                printKeys(keys)
            }
        }
    }
}

struct RetireKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retire-key",
        abstract: "Unpublish a signing key: tokens it signed stop verifying within twice SOKO_JWKS_REFRESH.",
        discussion: "Retiring the signing key hands signing to the next key and makes a new next one.")

    // Captured as is: a kid is base64url and may begin with "-", which would read as an option.
    @Argument(
        parsing: .captureForPassthrough,
        help: ArgumentHelp("The key id (kid) to retire, as rotate-keys or the JWKS lists it.", valueName: "kid"))
    var kids: [String] = []

    func validate() throws {
        guard kids.count == 1 else { throw ValidationError("name one key id (kid)") }
    }

    func run() async throws {
        let kid = kids[0]
        try await StartupFailure.reporting {
            try await withUsersStore { store in
                guard let keys = try await UsersAdministration.retireKey(kid, store: store) else {
                    throw StartupFailure("no live signing key has the id \(kid)")
                }
                print("retired \(kid); live keys, oldest first:")
                printKeys(keys)
            }
        }
    }
}
