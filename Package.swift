// swift-tools-version:6.0
import PackageDescription

/// The request path's modules skip run-time exclusivity checks in release builds (debug builds,
/// where the tests run, keep them): the checks cost a few percent per request in profiles.
let hotPath: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

/// Members come only from modules a file imports itself: a neighbour's `import Foundation` cannot lend
/// full Foundation's String extensions (which pull in ICU) to a file that imports only
/// FoundationEssentials or nothing.
let ownImports: [SwiftSetting] = [.enableUpcomingFeature("MemberImportVisibility")]

/// The release executable is linked as a position-dependent executable that exports no symbols: a
/// PIE of this size carries ~2.2 MB of relative relocations that the dynamic loader reads and
/// applies at every start (file pages of `.rela.dyn` and dirtied pages of `.data.rel.ro`), and
/// `-export-dynamic` (from the static stdlib's link arguments) adds ~0.8 MB of symbol tables that
/// every shared library's symbol lookup searches first. Together ~4 MiB of idle RSS per process
/// (benchmarks/README.md). Nothing looks the executable's symbols up with `dlsym`.
let compactExecutable: [LinkerSetting] = [
    .unsafeFlags(
        ["-Xclang-linker", "-no-pie", "-Xlinker", "--no-export-dynamic"], .when(platforms: [.linux], configuration: .release))
]

let package = Package(
    name: "soko",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "soko", targets: ["ShopCLI"]),
        .library(name: "SokoFunctions", targets: ["SokoFunctions"]),
        .library(name: "SokoTesting", targets: ["SokoTesting"]),
    ],
    // Exact versions: Package.resolved stays out of the repository (the build machines' package
    // copies have their own commit ids), so the versions are pinned here; the image builds the same.
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        // Tests only: an independent YAML reader to check the manifests' own reader against.
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
    ],
    targets: [
        // C system libraries (Debian packages); module maps only, never products.
        .systemLibrary(
            name: "CUV", path: "Runtime/System/CUV", pkgConfig: "libuv",
            providers: [.apt(["libuv1-dev"])]),
        .systemLibrary(
            name: "CSQLite", path: "Runtime/System/CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // libpq and libcurl (with libssl) are not linked: these shims load them with dlopen on first
        // use (a PostgreSQL store, an outgoing call), so a process that needs neither never maps them
        // nor their ~5 MiB of dependencies (libcrypto, gnutls, Kerberos, LDAP). Their headers come
        // from libpq-dev and libcurl4-openssl-dev; at run time libpq5 and libcurl4 must be installed.
        .target(name: "CPostgres", path: "Runtime/System/CPostgres"),
        .target(name: "CCurl", path: "Runtime/System/CCurl"),
        .systemLibrary(name: "CArgon2", path: "Runtime/System/CArgon2", providers: [.apt(["libargon2-dev"])]),
        .systemLibrary(name: "CYAML", path: "Runtime/System/CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CZlib", path: "Runtime/System/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CHTTPParser", path: "Runtime/System/CHTTPParser",
            providers: [.apt(["libhttp-parser-dev"])]),

        // Plain HTTP value types shared by the transport and the function API (no C).
        .target(name: "SokoHTTPTypes", path: "Runtime/SokoHTTPTypes", swiftSettings: ownImports),
        // Base64url, hex, form encoding and constant-time comparison, shared by the function API, the
        // tokens and the bundles.
        .target(name: "SokoCodecs", path: "Runtime/SokoCodecs", swiftSettings: ownImports),
        // Transport: libuv event loops, the loop-bound task executor, HTTP/1.1 over TCP.
        .target(
            name: "SokoHTTP", dependencies: ["CUV", "CHTTPParser", "SokoHTTPTypes"], path: "Runtime/SokoHTTP",
            swiftSettings: hotPath + ownImports),
        // What function authors import: handlers, context, errors, bundle registration.
        .target(
            name: "SokoFunctions",
            dependencies: [
                "SokoCodecs", "SokoHTTPTypes", "SokoStore", "SokoWorkers", .product(name: "Logging", package: "swift-log"),
            ],
            path: "Runtime/SokoFunctions", swiftSettings: ownImports),
        // The store every bundle uses: SQLite (embedded) or PostgreSQL, migrations, worker pool.
        .target(
            name: "SokoStore", dependencies: ["CSQLite", "CPostgres", "SokoWorkers"], path: "Runtime/SokoStore",
            swiftSettings: ownImports),
        // Worker threads for blocking work (database connections, hashing), off the event loops.
        .target(name: "SokoWorkers", path: "Runtime/SokoWorkers"),
        // Password hashing (Argon2id) and access tokens (ES256 JWT, JWKS) for the auth policies.
        .target(
            name: "SokoSecurity",
            dependencies: ["CArgon2", "SokoCodecs", "SokoWorkers", .product(name: "Crypto", package: "swift-crypto")],
            path: "Runtime/SokoSecurity"),
        // Outgoing HTTP (libcurl).
        .target(
            name: "SokoOutbound",
            dependencies: [
                "CCurl", "CZlib", "SokoWorkers", "SokoHTTP", "SokoFunctions", .product(name: "Logging", package: "swift-log"),
            ],
            path: "Runtime/SokoOutbound"),
        // Deployment files generated from the manifests (the nginx gateway's configuration).
        .target(
            name: "SokoDeploy", dependencies: ["SokoManifest", "SokoHTTPTypes"], path: "Runtime/SokoDeploy"),
        // Function manifests: YAML reading (libyaml) and validation.
        .target(name: "SokoManifest", dependencies: ["CYAML"], path: "Runtime/SokoManifest", swiftSettings: ownImports),
        // The host: router, middleware, metrics, access log, health, drain.
        .target(
            name: "SokoHost",
            dependencies: [
                "SokoHTTP", "SokoFunctions", "SokoManifest", "SokoSecurity", "SokoOutbound",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Runtime/SokoHost", swiftSettings: hotPath),
        // In-process invocation of handlers through router and middleware, without sockets.
        .target(
            name: "SokoTesting", dependencies: ["SokoHost", "SokoHTTP", "SokoFunctions", "SokoManifest"],
            path: "Runtime/SokoTesting"),
        // The `soko` command line for any set of bundles (serve, routes, render, migrate, …): it names none.
        .target(
            name: "SokoCommands",
            dependencies: [
                "SokoHost", "SokoManifest", "SokoDeploy", "SokoOutbound", "SokoWorkers",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Runtime/SokoCommands"),

        // Benchmarks that time one piece alone (load benchmarks are scripts beside them).
        .executableTarget(name: "store-benchmark", dependencies: ["SokoStore"], path: "benchmarks/StoreRoundTrip"),
        .executableTarget(name: "token-verify-benchmark", dependencies: ["SokoSecurity"], path: "benchmarks/TokenVerify"),

        // Function bundles.
        // The cross-service wire contracts: typed function references and the shared payloads.
        .target(name: "Contracts", dependencies: ["SokoFunctions"], path: "Functions/Contracts"),
        .target(name: "Examples", dependencies: ["SokoFunctions"], path: "Functions/Examples"),
        .target(
            name: "Users",
            dependencies: ["Contracts", "SokoFunctions", "SokoSecurity", .product(name: "Crypto", package: "swift-crypto")],
            path: "Functions/Users"),
        .target(name: "Catalog", dependencies: ["Contracts", "SokoFunctions"], path: "Functions/Catalog"),
        .target(
            name: "Cart", dependencies: ["Contracts", "SokoFunctions", .product(name: "Crypto", package: "swift-crypto")],
            path: "Functions/Cart"),
        .target(
            name: "Orders", dependencies: ["Contracts", "SokoFunctions", .product(name: "Crypto", package: "swift-crypto")],
            path: "Functions/Orders"),
        .target(
            name: "Payments",
            dependencies: ["Contracts", "SokoFunctions", .product(name: "Crypto", package: "swift-crypto")],
            path: "Functions/Payments"),
        .target(name: "Notifications", dependencies: ["Contracts", "SokoFunctions"], path: "Functions/Notifications"),
        // The payment gateways' sandbox (Daraja and Stripe HTTP APIs) for the embedded default and tests.
        .target(
            name: "Sandbox", dependencies: ["SokoFunctions", .product(name: "Crypto", package: "swift-crypto")],
            path: "Functions/Sandbox"),
        // The web pages' foundation (storefront and console): escaped HTML, layout, cookies, CSRF,
        // security headers, forms, redirects, assets with content hashes, money as text.
        .target(
            name: "ShopWeb", dependencies: ["SokoFunctions", .product(name: "Crypto", package: "swift-crypto")],
            path: "Functions/ShopWeb"),
        // The shoppers' web pages (`/`, `/p/{id}`, `/basket`, `/checkout`, …), served by the host.
        .target(name: "Storefront", dependencies: ["Contracts", "ShopWeb", "SokoFunctions"], path: "Functions/Storefront"),
        // The merchant console's pages (`/admin`, admin role), served by the host.
        .target(name: "Console", dependencies: ["Contracts", "ShopWeb", "SokoFunctions"], path: "Functions/Console"),
        // The shop: its bundles listed once, for the executable and the tests.
        .target(
            name: "Shop",
            dependencies: [
                "SokoFunctions", "SokoDeploy", "SokoHTTPTypes", "Examples", "Users", "Catalog", "Cart", "Orders", "Payments",
                "Notifications", "Sandbox", "SokoManifest", "Storefront", "Console",
            ],
            path: "Functions/Shop"),
        // The shop's `soko` executable: the runtime's commands over the shop's bundles, and the shop's own.
        .executableTarget(
            name: "ShopCLI",
            dependencies: [
                "Shop", "SokoCommands", "SokoDeploy", "SokoHost", "SokoOutbound", "SokoWorkers", "SokoStore", "Users", "Catalog",
                "Orders",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Functions/ShopCLI", linkerSettings: compactExecutable),

        // Tests.
        .testTarget(name: "SokoHTTPTests", dependencies: ["SokoHTTP"], path: "Tests/SokoHTTPTests"),
        .testTarget(name: "SokoFunctionsTests", dependencies: ["SokoFunctions"], path: "Tests/SokoFunctionsTests"),
        .testTarget(
            name: "SokoSecurityTests",
            dependencies: ["SokoSecurity", "SokoWorkers", "SokoTesting", .product(name: "Crypto", package: "swift-crypto")],
            path: "Tests/SokoSecurityTests", exclude: ["Oracle"]),
        .testTarget(name: "SokoStoreTests", dependencies: ["SokoStore"], path: "Tests/SokoStoreTests"),
        .testTarget(
            name: "SokoDeployTests",
            dependencies: ["SokoDeploy", "SokoManifest", "SokoTesting", "Shop", .product(name: "Yams", package: "Yams")],
            path: "Tests/SokoDeployTests"),
        .testTarget(
            name: "SokoManifestTests", dependencies: ["SokoManifest", .product(name: "Yams", package: "Yams")],
            path: "Tests/SokoManifestTests"),
        .testTarget(
            name: "SokoCommandsTests",
            dependencies: ["SokoCommands", "Examples", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Tests/SokoCommandsTests"),
        .testTarget(
            name: "SokoHostTests",
            dependencies: ["SokoHost", "SokoTesting", "SokoHTTP", "SokoManifest", "SokoOutbound", "SokoWorkers", "Examples"],
            path: "Tests/SokoHostTests", exclude: ["Oracle"]),
        .testTarget(
            name: "UsersTests",
            dependencies: [
                "Users", "SokoTesting", "SokoSecurity", "SokoHost", "SokoHTTP", "SokoManifest",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Tests/UsersTests"),
        // The whole shop in one in-process host, with customers and admins, for the bundles' tests.
        .target(
            name: "ShopTesting",
            dependencies: ["Shop", "SokoTesting", "SokoHost", "Users"],
            path: "Tests/ShopTesting"),
        .testTarget(
            name: "CatalogTests", dependencies: ["Catalog", "Contracts", "ShopTesting", "SokoTesting"],
            path: "Tests/CatalogTests"),
        .testTarget(
            name: "CartTests", dependencies: ["Cart", "Contracts", "ShopTesting", "SokoTesting"], path: "Tests/CartTests"),
        .testTarget(
            name: "OrdersTests",
            dependencies: [
                "Orders", "Catalog", "Contracts", "Shop", "ShopTesting", "SokoTesting", "SokoHost", "SokoHTTP",
                "SokoOutbound", "SokoManifest",
            ],
            path: "Tests/OrdersTests"),
        .testTarget(
            name: "PaymentsTests",
            dependencies: [
                "Contracts", "Payments", "Sandbox", "ShopTesting", "SokoTesting", "SokoHost", "SokoHTTP", "SokoOutbound",
            ],
            path: "Tests/PaymentsTests"),
        .testTarget(
            name: "NotificationsTests",
            dependencies: ["Contracts", "Notifications", "ShopTesting", "SokoTesting", "SokoHost"],
            path: "Tests/NotificationsTests"),
        .testTarget(name: "SandboxTests", dependencies: ["Sandbox", "ShopTesting", "SokoTesting"], path: "Tests/SandboxTests"),
        .testTarget(
            name: "StorefrontTests", dependencies: ["ShopWeb", "Storefront", "ShopTesting", "SokoTesting"],
            path: "Tests/StorefrontTests"),
        .testTarget(
            name: "ConsoleTests", dependencies: ["Console", "ShopWeb", "Orders", "ShopTesting", "SokoTesting"],
            path: "Tests/ConsoleTests"),
        .testTarget(name: "ExamplesTests", dependencies: ["Examples", "SokoTesting"], path: "Tests/ExamplesTests"),
    ]
)
