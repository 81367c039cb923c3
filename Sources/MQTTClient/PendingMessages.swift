/// The messages waiting for the link: one per topic (the newest wins), sent in the order their topics first
/// queued, at most `limit` topics (a message for another topic beyond it is dropped and counted).
struct PendingMessages: Sendable {
    let limit: Int
    private var order: [String] = []
    private var head = 0
    private var byTopic: [String: MQTTMessage] = [:]
    private(set) var dropped = 0

    init(limit: Int) { self.limit = limit }

    var isEmpty: Bool { byTopic.isEmpty }
    var count: Int { byTopic.count }

    mutating func add(_ message: MQTTMessage) {
        if byTopic[message.topic] != nil {
            byTopic[message.topic] = message
            return
        }
        guard byTopic.count < limit else {
            dropped += 1
            return
        }
        byTopic[message.topic] = message
        order.append(message.topic)
    }

    /// The oldest waiting message, taken off the queue.
    mutating func next() -> MQTTMessage? {
        while head < order.count {
            let topic = order[head]
            head += 1
            if let m = byTopic.removeValue(forKey: topic) {
                compact()
                return m
            }
        }
        compact()
        return nil
    }

    /// Drops the consumed part of `order` once it is most of it (amortised O(1) per message).
    private mutating func compact() {
        if head > 1024 && head * 2 > order.count {
            order.removeFirst(head)
            head = 0
        } else if byTopic.isEmpty {
            order.removeAll(keepingCapacity: true)
            head = 0
        }
    }
}
