import CollectorCore
import DowntimeProtocol
import Foundation
import Testing

@testable import CollectorRules

/// The overview says "up · 1 check failing" (a link to the filter); the device page lists the checks.
@Suite struct CheckPagesTests {
    static let checks = [
        CheckResult(
            name: "ftl", state: .failing, detail: "exit 3: FTL is not running", since: RenderingTests.now - 120),
        CheckResult(name: "ssh", state: .ok, detail: "", since: RenderingTests.now - 7200),
    ]

    @Test func theOverviewRowSaysHowManyChecksFail() {
        var pi = RenderingTests.detail("pi-kitchen", .up)
        pi.view.checks = Self.checks
        let html = OverviewPage.render([pi, RenderingTests.detail("nas", .up)], now: RenderingTests.now)
        #expect(html.contains(#"<a class="warn" href="/?checks=failing">1 check failing</a>"#))
        #expect(html.components(separatedBy: "check failing").count == 2)
    }

    @Test func theDevicePageListsTheChecks() {
        var pi = RenderingTests.detail("pi-kitchen", .up)
        pi.view.checks = Self.checks
        let html = DevicePage.render(pi, log: [], now: RenderingTests.now)
        #expect(html.contains("<h2>Checks</h2>"))
        #expect(html.contains(#"<td>ftl</td><td><span class="warn">failing</span></td>"#))
        #expect(html.contains("<td>exit 3: FTL is not running</td>"))
        #expect(html.contains(#"<td>ssh</td><td><span class="mute">ok</span></td>"#))
        let plain = DevicePage.render(RenderingTests.detail("nas", .up), log: [], now: RenderingTests.now)
        #expect(!plain.contains("<h2>Checks</h2>"))
    }
}
