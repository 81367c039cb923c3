import AgentCore
import CCurl
import Testing

@Suite struct LibcurlLinkTests {
    /// The agent's only HTTP client is Debian's libcurl, the OpenSSL flavour (HTTPS with the system CAs).
    @Test func systemLibcurlIsLinkedWithOpenSSL() {
        let version = String(cString: curl_version())
        #expect(version.hasPrefix("libcurl/"))
        #expect(version.contains("OpenSSL/"))
    }
}
