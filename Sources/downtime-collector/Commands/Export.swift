import ArgumentParser
import CollectorCore
import CollectorRules
import DowntimeProtocol

/// `export`: every device's log, or with `--incidents` every incident, as CSV or JSON.
struct Export: AsyncParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable { case csv, json }
    static let configuration = CommandConfiguration(
        abstract: "Export every device's log (or every incident) as CSV or JSON.")
    @Option(help: "csv or json") var format: Format = .csv
    @Flag(help: "Export the incidents across sites instead of the log (JSON as GET /api/v1/incidents).")
    var incidents = false
    @OptionGroup var options: StoreOptions

    func run() async throws {
        try await cli {
            if incidents { return try await exportIncidents() }
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

    private func exportIncidents() async throws {
        let list = try await options.logs().exportIncidents()
        switch format {
        case .csv:
            print(LogFormat.incidentCSVHeader)
            for i in list { print(LogFormat.csvRow(i)) }
        case .json:
            print(String(decoding: try WireCoding.encode(IncidentList(incidents: list, next: nil)), as: UTF8.self))
        }
    }
}
