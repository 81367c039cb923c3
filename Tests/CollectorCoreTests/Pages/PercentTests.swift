import Foundation
import Testing

@testable import CollectorCore

/// The page's uptime figures: rounded down (any downtime never shows 100 %), as the `printf` form was.
@Suite struct PercentTests {
    static func printf(_ v: Double) -> String {
        if v >= 1 { return "100%" }
        let digits = v >= 0.9995 ? 3 : 2
        let scale = pow(10, Double(digits))
        return String(format: "%.\(digits)f%%", (v * 100 * scale).rounded(.down) / scale)
    }

    @Test(arguments: [
        (0.0, "0.00%"), (0.5, "50.00%"), (0.99, "99.00%"), (0.9994, "99.94%"), (0.9995, "99.950%"),
        (0.99999, "99.999%"), (0.999999, "99.999%"), (1.0, "100%"), (0.01234, "1.23%"), (0.0005, "0.05%"),
    ])
    func examples(value: Double, text: String) {
        #expect(PageParts.percent(value) == text)
    }

    @Test func sameAsPrintfOverTheRange() {
        var differ: [String] = []
        for i in 0...100_000 {
            let v = Double(i) / 100_000
            if PageParts.percent(v) != Self.printf(v) {
                differ.append("\(v): \(PageParts.percent(v)) vs \(Self.printf(v))")
            }
        }
        #expect(differ.isEmpty, "\(differ.prefix(5))")
        #expect(PageParts.percent(nil) == "–")
    }
}
