import Foundation
import Testing

/// Login through a real nginx on loopback running deploy/nginx-auth-request.conf: an auth service (nginx's own
/// basic auth, on a second port) names the user, nginx passes it in Remote-User from 127.0.0.2, the collector
/// trusts only that address. Through nginx the user is a viewer (made on first sight); the same header sent
/// straight from 127.0.0.1 is ignored and logged once.
@Suite(.serialized) struct ProxyLoginEndToEndTests {
    static let example: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("deploy/nginx-auth-request.conf").path
    }()

    static func freePort() throws -> Int {
        let r = try Binaries.run(
            "/usr/bin/python3",
            ["-c", "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"])
        return Int(r.out.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// nginx.conf: the example's server block with this test's ports, the proxy's address 127.0.0.2, and the auth
    /// service (basic auth, answering with the user in Remote-User).
    static func config(dir: String, collector: Int, port: Int, auth: Int) throws -> String {
        let server = try String(contentsOfFile: example, encoding: .utf8)
            .replacingOccurrences(of: "listen 8080;", with: "listen 127.0.0.1:\(port);\n    proxy_bind 127.0.0.2;")
            .replacingOccurrences(of: "127.0.0.1:8899", with: "127.0.0.1:\(collector)")
            .replacingOccurrences(of: "127.0.0.1:9091", with: "127.0.0.1:\(auth)")
        return """
            daemon off;
            master_process off;
            pid \(dir)/nginx.pid;
            error_log \(dir)/error.log warn;
            events { worker_connections 64; }
            http {
                access_log off;
                client_body_temp_path \(dir)/body;
                proxy_temp_path \(dir)/proxy;
                fastcgi_temp_path \(dir)/fastcgi;
                uwsgi_temp_path \(dir)/uwsgi;
                scgi_temp_path \(dir)/scgi;
                server {
                    listen 127.0.0.1:\(auth);
                    location = /verify {
                        auth_basic "DowntimeMon";
                        auth_basic_user_file \(dir)/users;
                        add_header Remote-User $remote_user always;
                        root \(dir);
                        try_files /empty =404;
                    }
                }
            \(server)
            }
            """
    }

    @Test func aProxysUserIsAViewerAndTheHeaderFromElsewhereIsIgnored() throws {
        let data = try Binaries.tempDir("proxy-e2e") // no space: nginx.conf paths are unquoted
        defer { try? FileManager.default.removeItem(atPath: data) }
        let collector = try CollectorProcess(
            dataDir: data,
            env: [
                "DOWNTIME_PAGE_PASSWORD": "family secret", "DOWNTIME_TRUSTED_PROXIES": "127.0.0.2/32",
                "DOWNTIME_AUTH_HEADER": "Remote-User", "DOWNTIME_AUTH_HEADER_ROLE": "viewer",
            ])
        let (port, auth) = (try Self.freePort(), try Self.freePort())
        try "vera:{PLAIN}vera secret\n".write(toFile: data + "/users", atomically: true, encoding: .utf8)
        try "".write(toFile: data + "/empty", atomically: true, encoding: .utf8)
        try Self.config(dir: data, collector: collector.port, port: port, auth: auth)
            .write(toFile: data + "/nginx.conf", atomically: true, encoding: .utf8)
        let nginx = Process()
        nginx.executableURL = URL(fileURLWithPath: "/usr/sbin/nginx")
        nginx.arguments = ["-e", data + "/error.log", "-p", data, "-c", data + "/nginx.conf"]
        try nginx.run()
        defer {
            // A single nginx process (no master) does not stop on SIGTERM while it has connections.
            kill(nginx.processIdentifier, SIGKILL)
            nginx.waitUntilExit()
        }
        let proxy = "http://127.0.0.1:\(port)"
        func curl(_ url: String, _ extra: [String] = []) throws -> (status: String, body: String) {
            let r = try Binaries.run("/usr/bin/curl", ["-sS", "-o", "-", "-w", "\n%{http_code}"] + extra + [url])
            let lines = r.out.split(separator: "\n", omittingEmptySubsequences: false)
            return (String(lines.last ?? ""), lines.dropLast().joined(separator: "\n"))
        }
        var up = false
        for _ in 0..<50 where !up {
            up = (try? curl(proxy + "/healthz").status) == "200"
            if !up { usleep(100_000) }
        }
        #expect(up, "nginx did not start: \((try? String(contentsOfFile: data + "/error.log", encoding: .utf8)) ?? "")")
        let vera = ["-u", "vera:vera secret"]
        #expect(try curl(proxy + "/api/v1/devices").status == "401") // nginx's auth service refuses
        #expect(try curl(proxy + "/api/v1/devices", ["-u", "vera:wrong"]).status == "401")
        #expect(try curl(proxy + "/api/v1/devices", vera).status == "200")
        let page = try curl(proxy + "/admin", vera)
        #expect(page.status == "200" && page.body.contains("vera (viewer)"), "\(page.body)")
        let csrf = try #require(
            page.body.range(of: #"name="csrf" value=""#).map {
                String(page.body[$0.upperBound...].prefix { $0 != "\"" })
            })
        let forged = try curl(
            proxy + "/admin/devices",
            vera + ["-H", "Origin: \(proxy)", "--data-urlencode", "csrf=\(csrf)", "-d", "name=x"])
        #expect(forged.status == "403")
        // Straight to the collector, from 127.0.0.1: the header is no one's word.
        let direct = collector.url + "/api/v1/devices"
        #expect(try curl(direct, ["-H", "Remote-User: vera"]).status == "401")
        #expect(try curl(direct, ["-H", "Remote-User: admin"]).status == "401")
        #expect(try curl(collector.url + "/admin", ["-H", "Remote-User: vera"]).status == "303")
        let list = try Binaries.run(Binaries.path("downtime-collector"), ["user", "list", "--data-dir", data])
        #expect(list.out.hasPrefix("vera\tviewer"), "\(list.out)")
        let ignored = collector.output.components(separatedBy: "Remote-User header from 127.0.0.1 ignored").count - 1
        #expect(ignored == 1, "\(collector.output)")
        #expect(collector.output.contains("Remote-User: added user vera (viewer) named by the proxy"))
    }
}
