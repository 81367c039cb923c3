import Foundation

/// `GET /api/v1/jobs`: every registered job, by name.
public struct JobList: Codable, Sendable, Equatable {
    public var jobs: [JobView]

    public init(jobs: [JobView]) {
        self.jobs = jobs
    }
}
