import Foundation
import Logging
import PostgresNIO

/// Who runs the liveness sweep, flip recording and notifications when several collectors share a store.
public protocol LeaderLock: Sendable {
    /// True while this process holds the lead; takes it when it is free. Called every sweep.
    func holdsLead() async -> Bool
    /// Gives the lead up (at shutdown, or in tests to simulate a death).
    func release() async
}
