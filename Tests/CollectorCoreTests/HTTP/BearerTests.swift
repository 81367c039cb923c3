import CollectorCore
import Foundation
import Testing

/// The header parsing before it was rewritten without NSString, kept as the reference it must match.
private func referenceBearer(_ header: String?) -> String? {
    guard let header else { return nil }
    let parts = header.split(separator: " ", maxSplits: 1)
    guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
    let token = parts[1].trimmingCharacters(in: .whitespaces)
    return token.isEmpty || token.count > 256 ? nil : token
}

@Suite struct BearerTests {
    @Test(
        arguments: [
            nil, "", "Bearer", "Bearer ", "Bearer  ", "Bearer \t", "bearer dtm_abc", "BEARER dtm_abc", "BeArEr dtm_abc",
            "Bearer dtm_abc", "Bearer  dtm_abc ", "Bearer \tdtm_abc\t", "Bearer dtm abc", "Bearer dtm_abc\n",
            "Bearer \u{00A0}dtm_abc\u{3000}", "Bearer \u{2003}", "Bearer dtm_é", "Bearer e\u{0301}", "Bearerx dtm_abc",
            "Basic cGk6cGk=", "Bearers dtm_abc", "Bearer\tdtm_abc", " Bearer dtm_abc", "Béarer dtm_abc",
            "Bearer " + String(repeating: "a", count: 256), "Bearer " + String(repeating: "a", count: 257),
            "Bearer " + String(repeating: "é", count: 256) + " ",
        ] as [String?])
    func bearerMatchesTheFoundationReference(header: String?) {
        #expect(Tokens.bearer(header) == referenceBearer(header))
    }

    @Test func bearerReturnsTheTokenItself() {
        #expect(Tokens.bearer("Bearer  dtm_abc \t") == "dtm_abc")
        #expect(Tokens.bearer("bearer x") == "x")
        #expect(Tokens.bearer("Bearer \t ") == nil)
    }
}
