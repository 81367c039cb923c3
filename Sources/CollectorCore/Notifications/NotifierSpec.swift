import CollectorRules
import CurlClient
import DowntimeProtocol
import Foundation

/// A configured notification channel: `name=kind url option=value ...` in `DOWNTIME_NOTIFY` (`;`-separated).
public struct NotifierSpec: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case webhook, ntfy, slack, discord, telegram, email, pushover, gotify, matrix

        /// The channel's own rules and request format (`Channels/`).
        var channel: any NotificationChannel.Type {
            switch self {
            case .webhook: WebhookChannel.self
            case .ntfy: NtfyChannel.self
            case .slack: SlackChannel.self
            case .discord: DiscordChannel.self
            case .telegram: TelegramChannel.self
            case .email: EmailChannel.self
            case .pushover: PushoverChannel.self
            case .gotify: GotifyChannel.self
            case .matrix: MatrixChannel.self
            }
        }
    }

    public var name: String
    public var kind: Kind
    public var url: String
    /// `header:Name=Value` (webhook), `chat_id`, `bot_token` (telegram), `from`, `to`, `user`, `password`,
    /// `starttls=no` (email), `priority` (ntfy, pushover, gotify), `token` and `user` (pushover), `token` (gotify),
    /// `room` and `token` (matrix).
    public var options: [String: String]
    public var headers: [String]

    /// `remind=DURATION`: a "still down" message every DURATION while a device stays down; nil without.
    public var remindEvery: TimeInterval? { options["remind"].flatMap(Durations.parse) }

    /// `digest=daily@08:00` or `digest=weekly@mon08:00`: a summary on that schedule (docs/DESIGN.md "Digests").
    public var digest: DigestSchedule? { options["digest"].flatMap(DigestSchedule.parse) }

    /// `quiet=23:00-07:00`: messages due in that local window are held and told in one summary at its end
    /// (docs/DESIGN.md "Quiet hours"); nil without.
    public var quiet: QuietHours? { options["quiet"].flatMap(QuietHours.parse) }

    /// Reads one spec, e.g. `phone=ntfy https://ntfy.sh/freezer` or
    /// `mail=email smtp://mail.lan:587 from=dt@lan to=me@lan user=dt password=secret`.
    public static func parse(_ text: String) throws(WireValidationError) -> NotifierSpec {
        let words = text.split(separator: " ").map(String.init)
        guard words.count >= 2, let eq = words[0].firstIndex(of: "=") else {
            throw WireValidationError(field: "DOWNTIME_NOTIFY", "expected NAME=KIND URL [option=value ...]")
        }
        let name = String(words[0][..<eq])
        let kindText = String(words[0][words[0].index(after: eq)...])
        guard DeviceName.isValid(name) else {
            throw WireValidationError(field: "DOWNTIME_NOTIFY", "bad notifier name \(name)")
        }
        guard let kind = Kind(rawValue: kindText) else {
            throw WireValidationError(
                field: "DOWNTIME_NOTIFY", "kind must be one of " + Kind.allCases.map(\.rawValue).joined(separator: ", ")
            )
        }
        let url = words[1]
        let schemes = kind.channel.schemes
        guard schemes.contains(where: { url.hasPrefix($0) }) else {
            throw WireValidationError(
                field: "DOWNTIME_NOTIFY", "\(name): URL must start with " + schemes.joined(separator: " or "))
        }
        var options: [String: String] = [:]
        var headers: [String] = []
        for w in words.dropFirst(2) {
            guard let e = w.firstIndex(of: "=") else {
                throw WireValidationError(field: "DOWNTIME_NOTIFY", "\(name): option \(w) needs =")
            }
            let k = String(w[..<e])
            let v = String(w[w.index(after: e)...])
            if k.hasPrefix("header:") {
                headers.append("\(k.dropFirst(7)): \(v)")
            } else {
                options[k] = v
            }
        }
        for option in kind.channel.requiredOptions where options[option] == nil {
            throw WireValidationError(field: "DOWNTIME_NOTIFY", "\(name): \(kind.rawValue) needs \(option)=...")
        }
        let spec = NotifierSpec(name: name, kind: kind, url: url, options: options, headers: headers)
        if let remind = options["remind"], (Durations.parse(remind) ?? 0) < 5 {
            throw WireValidationError(
                field: "DOWNTIME_NOTIFY", "\(name): remind must be a duration such as 30m, 4h or 1d (5s at least)")
        }
        if let digest = options["digest"], DigestSchedule.parse(digest) == nil {
            throw WireValidationError(
                field: "DOWNTIME_NOTIFY",
                "\(name): digest must be daily@HH:MM or weekly@dddHH:MM (ddd one of mon..sun), e.g. weekly@mon08:00")
        }
        if let quiet = options["quiet"], QuietHours.parse(quiet) == nil {
            throw WireValidationError(
                field: "DOWNTIME_NOTIFY",
                "\(name): quiet must be HH:MM-HH:MM (local time, start and end differ), e.g. quiet=23:00-07:00")
        }
        try kind.channel.validate(spec)
        return spec
    }
}
