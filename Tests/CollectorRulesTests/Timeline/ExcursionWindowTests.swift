import Foundation
import Testing

@testable import CollectorRules

@Suite struct ExcursionWindowTests {
    static let t0 = Date(timeIntervalSince1970: 1_795_335_000)

    /// A clock stepped +60 s, found at t0 + 60 on it, and back 10 s later: its rows lie between the stepped clock's
    /// reading at the step (less a sweep and a second) and its reading at the step back (plus a second).
    @Test func anExcursionShorterThanItsStepHasItsWindow() throws {
        let w = try #require(
            UnsyncedRedating.excursionWindow(
                since: Self.t0 + 60, gap: 1, now: Self.t0 + 10, lasted: 10, offset: -60))
        #expect(w == (Self.t0 + 58)...(Self.t0 + 71))
    }

    /// Longer than its step, the window on the stepped clock could hold rows the right clock dated after it ended.
    @Test(arguments: [(57.0, -60.0), (100.0, -60.0), (4.0, -6.5)])
    func anExcursionAsLongAsItsStepIsLeftAlone(lasted: Double, offset: Double) {
        #expect(
            UnsyncedRedating.excursionWindow(
                since: Self.t0 - offset, gap: 1, now: Self.t0 + lasted, lasted: lasted, offset: offset) == nil)
    }
}
