import ArgumentParser
import Glibc
import SokoFunctions
import SokoHost
import SokoStore
import Users

struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "Manage accounts.", subcommands: [CreateAdmin.self])
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
