import CollectorRules
import DowntimeProtocol
import Foundation

/// An incident's members as the store keeps them: a JSON array of `{"name","start","end","cause"}` with times as
/// epoch seconds (exact, so that a re-run of the correlator compares equal to what it stored).
enum IncidentMembersJSON {
    private struct Row: Codable {
        var name: String
        var start: Double
        var end: Double?
        var cause: OutageCause
        /// Written only when true; older rows have none.
        var lost: Bool?
    }

    static func encode(_ members: [Incident.Member]) throws -> String {
        let rows = members.map {
            Row(
                name: $0.device, start: $0.start.timeIntervalSince1970, end: $0.end?.timeIntervalSince1970,
                cause: $0.cause, lost: $0.neverCameBack ? true : nil)
        }
        return String(decoding: try JSONEncoder().encode(rows), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> [Incident.Member] {
        do {
            return try JSONDecoder().decode([Row].self, from: Data(text.utf8)).map {
                Incident.Member(
                    device: $0.name, start: Date(timeIntervalSince1970: $0.start),
                    end: $0.end.map { Date(timeIntervalSince1970: $0) }, cause: $0.cause,
                    neverCameBack: $0.lost ?? false)
            }
        } catch {
            throw MissingColumn(column: "members")
        }
    }
}
