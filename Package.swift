// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "DowntimeMon",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "downtime-agent", targets: ["downtime-agent"]),
        .executable(name: "downtime-collector", targets: ["downtime-collector"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        // bcrypt for the admin password (no hand-written crypto).
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
    ],
    targets: [
        // Wire types shared by agent and collector; FoundationEssentials only.
        .target(name: "DowntimeProtocol"),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // The one libcurl layer: the agent's kept-alive handle, the collector's one-shot HTTP and SMTP.
        .target(name: "CurlClient", dependencies: ["CCurl"]),
        .systemLibrary(
            name: "CMosquitto",
            pkgConfig: "libmosquitto",
            providers: [.apt(["libmosquitto-dev"])]
        ),
        // The one libmosquitto layer: a connection on a thread of its own, behind the MQTTLink protocol.
        .target(name: "MQTTClient", dependencies: ["CMosquitto"]),
        // CCurl beside CurlClient: adjtimex, to read whether the device's clock is synchronised.
        .target(name: "AgentCore", dependencies: ["DowntimeProtocol", "CurlClient", "CCurl"]),
        .executableTarget(name: "downtime-agent", dependencies: ["AgentCore"]),
        // The collector's decisions (liveness, timelines, outage merging, incidents, notification planning,
        // dependencies) as pure functions: nothing here can reach a store, a socket or a file.
        .target(name: "CollectorRules", dependencies: ["DowntimeProtocol"]),
        .target(
            name: "CollectorCore",
            dependencies: [
                "DowntimeProtocol",
                "CollectorRules",
                "CurlClient",
                "MQTTClient",
                // adjtimex, to read whether the collector's clock is synchronised.
                "CCurl",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // Its ConnectionPoolError: a pool that cannot reach the database is a store fault, not a bug.
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ]
        ),
        .executableTarget(
            name: "downtime-collector",
            dependencies: [
                "CollectorCore",
                "CollectorRules",
                "CurlClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // `make bench`: speed and memory figures, never asserted in unit tests.
        .executableTarget(
            name: "downtime-bench",
            dependencies: [
                "CollectorCore", "CollectorRules", "AgentCore",
                // The ingest floor (issue 33): a bare Hummingbird server with the collector's decoder.
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(name: "DowntimeProtocolTests", dependencies: ["DowntimeProtocol"]),
        .testTarget(name: "MQTTClientTests", dependencies: ["MQTTClient"]),
        // The pure rules' table tests: nothing but the rules and the wire types.
        .testTarget(name: "CollectorRulesTests", dependencies: ["CollectorRules", "DowntimeProtocol"]),
        // What more than one test target needs (fixture scripts run without Foundation's Process).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "AgentCoreTests", dependencies: ["AgentCore", "CurlClient", "TestSupport"]),
        .testTarget(
            name: "CollectorCoreTests",
            dependencies: [
                "CollectorCore",
                "CollectorRules",
                "CurlClient",
                "MQTTClient",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                // A real SQLite write failure in a unit test: the store's own writer connection set query_only.
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // Read from the source tree by path (`#filePath`), not bundled: no "unhandled file" warning in the build.
            exclude: ["HTTP/Snapshots"]
        ),
        // Depends on the executables so that `swift test` builds the binaries it runs.
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["DowntimeProtocol", "CCurl", "TestSupport", "downtime-collector", "downtime-agent"]),
    ]
)
