import Foundation
import Logging
import PostgresNIO

/// A store only one collector uses (SQLite): that collector always leads.
public struct SoleLeader: LeaderLock {
    public init() {}
    public func holdsLead() async -> Bool { true }
    public func release() async {}
}
