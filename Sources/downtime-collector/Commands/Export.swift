import ArgumentParser
import CollectorCore
import DowntimeProtocol

/// `export`: every device's log as CSV or JSON.
struct Export: AsyncParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable { case csv, json }
    static let configuration = CommandConfiguration(abstract: "Export every device's log as CSV or JSON.")
    @Option(help: "csv or json") var format: Format = .csv
    @OptionGroup var options: StoreOptions

    func run() async throws {
        try await cli {
            let rows = try await options.logs().export()
            switch format {
            case .csv:
                print(LogFormat.csvHeader)
                for row in rows { print(LogFormat.csvRow(row.event)) }
            case .json:
                let list = EventList(events: rows.map(\.event), next: nil)
                print(String(decoding: try WireCoding.encode(list), as: UTF8.self))
            }
        }
    }
}
