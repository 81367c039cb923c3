import CollectorRules
import Foundation

/// The small page of a message's acknowledge link (`/ack/TOKEN`): a button whose POST acknowledges (a link preview's
/// GET changes nothing), and the answers to a used, unknown or expired link.
enum AckPage {
    /// The page before the button is pressed.
    static func form(token: String, devices: [String]) -> String {
        PageParts.document("Acknowledge", script: false) { w in
            w.element(.header) { $0.element(.h1, text: "Acknowledge") }
            w.element(.main) { w in
                w.element(
                    .p,
                    text: "Acknowledge the outage of \(devices.joined(separator: ", ")): no more reminders for it.")
                w.element(.form, [(.method, "post"), (.action, "/ack/\(token)")]) { w in
                    w.element(.input, [(.type, "submit"), (.value, "acknowledge")])
                }
            }
        }
    }

    /// After the POST.
    static func done(devices: [String]) -> String {
        PageParts.document("Acknowledged", script: false) { w in
            w.element(.header) { $0.element(.h1, text: "Acknowledged") }
            w.element(.main) { w in
                w.element(.p, text: "Acknowledged: \(devices.joined(separator: ", ")). No more reminders for it.")
                if devices.count == 1 { w.element(.a, [(.href, "/devices/\(devices[0])")], text: "see the device") }
            }
        }
    }

    /// A link that cannot be used: unknown (404), used or expired (410).
    static func refused(_ outcome: AckLinkOutcome) -> String {
        let (title, text) =
            switch outcome {
            case .used: ("Already used", "This link was used already: the outage is acknowledged.")
            case .expired: ("Expired", "This outage has ended: there is nothing left to acknowledge.")
            default: ("Not found", "There is no such acknowledge link.")
            }
        return PageParts.document(title, script: false) { w in
            w.element(.header) { $0.element(.h1, text: title) }
            w.element(.main) { $0.element(.p, text: text) }
        }
    }
}
