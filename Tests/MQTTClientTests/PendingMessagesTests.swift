import Testing

@testable import MQTTClient

@Suite struct PendingMessagesTests {
    func m(_ topic: String, _ text: String) -> MQTTMessage { MQTTMessage(topic: topic, text: text) }

    @Test func theNewestPerTopicWinsAndKeepsItsPlace() {
        var q = PendingMessages(limit: 10)
        q.add(m("a", "1"))
        q.add(m("b", "1"))
        q.add(m("a", "2"))
        #expect(q.count == 2)
        #expect(q.next() == m("a", "2"))
        #expect(q.next() == m("b", "1"))
        #expect(q.next() == nil)
        #expect(q.isEmpty)
    }

    @Test func aTopicSentIsQueuedAgainAtTheEnd() {
        var q = PendingMessages(limit: 10)
        q.add(m("a", "1"))
        q.add(m("b", "1"))
        #expect(q.next()?.topic == "a")
        q.add(m("a", "2"))
        #expect(q.next() == m("b", "1"))
        #expect(q.next() == m("a", "2"))
    }

    @Test func beyondTheLimitANewTopicIsDroppedAndCounted() {
        var q = PendingMessages(limit: 2)
        q.add(m("a", "1"))
        q.add(m("b", "1"))
        q.add(m("c", "1"))
        q.add(m("a", "2")) // a topic already waiting is replaced, never dropped
        #expect(q.dropped == 1)
        #expect(q.next() == m("a", "2"))
        #expect(q.next() == m("b", "1"))
        #expect(q.next() == nil)
    }

    @Test func manyRoundsKeepTheOrderAndStaySmall() {
        var q = PendingMessages(limit: 5000)
        for round in 0..<5 {
            for i in 0..<3000 { q.add(m("t\(i)", "\(round)")) }
            for i in 0..<3000 { #expect(q.next() == m("t\(i)", "\(round)")) }
            #expect(q.isEmpty)
        }
        #expect(q.dropped == 0)
    }
}
