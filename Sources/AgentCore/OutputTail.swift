import DowntimeProtocol

/// The last `JobEnd.maxOutput` bytes of a job's output, kept in a ring as they come, and how many came in all.
struct OutputTail: Sendable, Equatable {
    let capacity: Int
    private var ring: [UInt8] = []
    /// Where the next byte goes once the ring is full.
    private var next = 0
    private(set) var total = 0

    init(capacity: Int = JobEnd.maxOutput) {
        self.capacity = capacity
        ring.reserveCapacity(capacity)
    }

    mutating func append(_ bytes: some Collection<UInt8>) {
        total += bytes.count
        for byte in bytes.suffix(capacity) {
            if ring.count < capacity {
                ring.append(byte)
            } else {
                ring[next] = byte
                next = (next + 1) % capacity
            }
        }
    }

    /// The bytes kept, oldest first.
    var bytes: [UInt8] { Array(ring[next...] + ring[..<next]) }

    /// The output as `job_end` carries it and the bytes left out (those the ring lost and any `JobEnd.tail` skips).
    var tail: (output: String, dropped: Int) {
        let kept = bytes
        let (output, skipped) = JobEnd.tail(of: kept)
        return (output, total - kept.count + skipped)
    }
}
