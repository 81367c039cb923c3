import DowntimeProtocol
import Foundation

/// The plain server-rendered pages: the overview at `/` and a device page (pure functions of their data).
public enum Pages {
    static let style = """
        body{font-family:system-ui,sans-serif;margin:1rem;color:#111;background:#fff}
        table{border-collapse:collapse;width:100%}td,th{padding:.3rem .5rem;border-bottom:1px solid #ddd;text-align:left}
        .down{color:#b00020;font-weight:bold}.late{color:#b26a00}.up{color:#1b7f3b}.new,.paused{color:#555}
        @media (prefers-color-scheme:dark){body{background:#111;color:#eee}td,th{border-color:#333}}
        """

    static func head(_ title: String, refresh: Bool) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width,initial-scale=1">
        \(refresh ? "<meta http-equiv=\"refresh\" content=\"10\">" : "")
        <title>\(HTML.escape(title))</title><style>\(style)</style></head><body>
        """
    }

    static func time(_ d: Date?) -> String {
        guard let d else { return "never" }
        let iso = WireTime.format(d, offsetSeconds: 0, millis: false)
        return "<time datetime=\"\(iso)\" title=\"\(iso)\">\(iso)</time>"
    }

    static func percent(_ v: Double?) -> String {
        v.map { String(format: "%.2f%%", $0 * 100) } ?? "–"
    }

    static func outage(_ o: OutageView?) -> String {
        guard let o else { return "–" }
        return "\(time(o.start)) · \(HTML.escape(Durations.text(o.durationS))) · \(HTML.escape(o.cause.label))"
    }

    /// The overview: one row per device, down first; how to add a device when there is none.
    public static func overview(_ devices: [DeviceView], now: Date) -> String {
        var html = head("DowntimeMon", refresh: true)
        let down = devices.filter { $0.status == .down }.count
        let up = devices.filter { $0.status == .up }.count
        html += "<h1>DowntimeMon</h1><p>\(devices.count) devices · \(up) up · \(down) down</p>"
        if devices.isEmpty {
            html += """
                <p>No devices yet. Add one on the collector with
                <code>downtime-collector device add NAME</code> and give the printed token to the agent
                (<code>DOWNTIME_TOKEN</code>), or set an enrollment key.</p>
                """
        } else {
            html += "<table><thead><tr><th>Status</th><th>Device</th><th>Last seen</th><th>Current outage</th>"
            html += "<th>Last outage</th><th>24 h</th><th>7 d</th><th>30 d</th></tr></thead><tbody>"
            for d in devices {
                let name = HTML.escape(d.name)
                html += "<tr><td class=\"\(d.status.rawValue)\">\(d.status.rawValue)</td>"
                html += "<td><a href=\"/devices/\(name)\">\(name)</a></td><td>\(time(d.lastSeen))</td>"
                html += "<td>\(d.currentOutage.map { Durations.text($0.durationS) } ?? "–")</td>"
                html += "<td>\(outage(d.lastOutage))</td><td>\(percent(d.uptime.day))</td>"
                html += "<td>\(percent(d.uptime.week))</td><td>\(percent(d.uptime.month))</td></tr>"
            }
            html += "</tbody></table>"
        }
        html += "<p><small>Generated \(time(now)) · <a href=\"/api/v1/devices\">JSON</a></small></p></body></html>\n"
        return html
    }

    /// A device page: its facts and its log, newest first.
    public static func device(_ d: DeviceView, log: [Event]) -> String {
        let name = HTML.escape(d.name)
        var html = head("\(d.name) · DowntimeMon", refresh: true)
        html += "<p><a href=\"/\">← all devices</a></p><h1>\(name)</h1>"
        html += "<p class=\"\(d.status.rawValue)\">\(d.status.rawValue)</p><table>"
        let facts: [(String, String)] = [
            ("Last seen", time(d.lastSeen)),
            ("Agent version", HTML.escape(d.agentVersion ?? "–")),
            ("Boot id", HTML.escape(d.bootID ?? "–")),
            ("Clock skew", d.clockSkewS.map { String(format: "%.1f s", $0) } ?? "–"),
            ("Clock synced", d.clockSynced.map { $0 ? "yes" : "no" } ?? "–"),
            ("Current outage", outage(d.currentOutage)),
            ("Last outage", outage(d.lastOutage)),
            ("Uptime 24 h / 7 d / 30 d", "\(percent(d.uptime.day)) / \(percent(d.uptime.week)) / \(percent(d.uptime.month))"),
        ]
        for (k, v) in facts { html += "<tr><th>\(k)</th><td>\(v)</td></tr>" }
        html += "</table><h2>Log</h2><p><a href=\"/devices/\(name)/log.txt\">log.txt</a> · "
        html += "<a href=\"/devices/\(name)/log.csv\">CSV</a></p><table><tbody>"
        for e in log.reversed() {
            html += "<tr><td>\(time(e.at))</td><td>\(HTML.escape(e.kind.rawValue))</td><td>\(HTML.escape(LogFormat.detail(e)))</td></tr>"
        }
        html += "</tbody></table></body></html>\n"
        return html
    }
}
