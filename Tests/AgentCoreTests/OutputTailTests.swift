import DowntimeProtocol
import Testing

@testable import AgentCore

/// A job's output ring: the last bytes kept, all counted.
@Suite struct OutputTailTests {
    @Test(arguments: [
        // (chunk sizes, capacity)
        ([3], 8), ([8], 8), ([9], 8), ([5, 5, 5], 8), ([1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 4), ([20, 1], 8),
        ([0, 7, 0], 8),
    ])
    func keepsTheLastBytesInOrder(_ chunks: [Int], _ capacity: Int) {
        var tail = OutputTail(capacity: capacity)
        var all: [UInt8] = []
        var next: UInt8 = 0
        for size in chunks {
            let chunk = (0..<size).map { _ in
                next &+= 1
                return next
            }
            all += chunk
            tail.append(chunk)
        }
        #expect(tail.bytes == Array(all.suffix(capacity)))
        #expect(tail.total == all.count)
    }

    @Test func theTailOfLongOutputCountsWhatItDropped() {
        var tail = OutputTail()
        let line = Array("0123456789abcdef\n".utf8) // 17 bytes
        for _ in 0..<1_000 { tail.append(line) }
        let (output, dropped) = tail.tail
        #expect(output.utf8.count == JobEnd.maxOutput)
        #expect(dropped == 17_000 - JobEnd.maxOutput)
        #expect(output.hasSuffix("0123456789abcdef\n"))
    }

    @Test func aCharacterCutByTheRingIsNotKeptHalf() {
        var tail = OutputTail(capacity: JobEnd.maxOutput)
        // "é" is two bytes: with one byte after them, the ring's 4096 bytes begin inside one.
        tail.append(Array(repeating: Array("é".utf8), count: 2_100).flatMap { $0 } + Array("z".utf8))
        let (output, dropped) = tail.tail
        #expect(!output.contains("\u{FFFD}") && output.dropLast().allSatisfy { $0 == "é" } && output.hasSuffix("z"))
        #expect(output.utf8.count == 4_095 && output.utf8.count + dropped == 4_201)
    }
}
