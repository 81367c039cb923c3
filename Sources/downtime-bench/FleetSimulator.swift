import AgentCore
import CollectorCore
import DowntimeProtocol
import Foundation
import Synchronization

/// Plays a fleet of devices against a running collector over real HTTP (libcurl, keep-alive), then checks
/// the collector's store: every expected flip recorded at the right beat, nothing else.
enum FleetSimulator {
    static func run(_ arguments: [String]) async throws {
        let args = BenchArgs(
            arguments,
            known: [
                "url", "data-dir", "tokens", "duration", "interval", "silent", "short",
                "misses", "grace", "seed", "threads", "check",
            ])
        let tokens = try String(contentsOfFile: args.string("tokens"), encoding: .utf8).split(separator: "\n").map(
            String.init)
        let interval = Double(args.int("interval", 10))
        let deadline = Double(args.int("misses", 3)) * interval + args.double("grace", 5)
        let plan = FleetPlan(
            devices: tokens.count, interval: interval, duration: args.double("duration", 300), deadline: deadline,
            silentFraction: args.double("silent", 0.01), shortFraction: args.double("short", 0.005),
            seed: UInt64(args.int("seed", 1)))
        let threads = max(1, args.int("threads", 4))
        let url = args.string("url")
        print(
            "fleet: \(plan.devices) devices every \(Int(interval)) s for \(Int(plan.duration)) s, "
                + "\(plan.silences.values.filter { $0.until - $0.from > deadline }.count) silent past the \(Int(deadline)) s deadline, "
                + "\(plan.silences.values.filter { $0.until - $0.from <= deadline }.count) briefly; \(threads) client threads"
        )

        let all = await play(plan, tokens: tokens, url: url, threads: threads)
        var acks: [Int: [Ack]] = [:]
        for result in all { acks.merge(result.acks) { a, _ in a } }
        let lags = all.flatMap(\.lags).sorted()
        let sent = all.reduce(0) { $0 + $1.sent }
        let errors = all.reduce(0) { $0 + $1.errors }
        print(
            String(
                format: "fleet: %d beats sent, %d not 2xx; schedule lag p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                sent, errors, pct(lags, 0.5) * 1000, pct(lags, 0.99) * 1000, (lags.last ?? 0) * 1000))
        if let first = all.compactMap(\.firstError).first { print("fleet: first error: \(first)") }

        // `--check no`: the same traffic to a server with no store (the floor server of issue 33); only errors count.
        guard args.string("check", "yes") == "yes" else {
            print("fleet: flips not checked (--check no); \(sent) beats, \(errors) errors")
            if errors > 0 { exit(1) }
            return
        }
        let total = try await check(dataDir: args.string("data-dir"), plan: plan, acks: acks, deadline: deadline)
        let outageFlips = total.expected - acks.count
        print(
            String(
                format:
                    "fleet: flips %d of %d expected recorded at their beat (%d outage flips), %d missing, %d unexpected, %d ambiguous; flip time within %.1f ms; %d beats, %d errors",
                total.found, total.expected, outageFlips, total.missing, total.unexpected, total.ambiguous,
                total.worstError * 1000, sent, errors))
        if total.missing > 0 || total.unexpected > 0 || errors > 0 { exit(1) }
    }

    /// Plays the plan on `threads` client threads from a second from now; what each of them saw.
    static func play(_ plan: FleetPlan, tokens: [String], url: String, threads: Int) async -> [WorkerResult] {
        let start = Date() + 1
        let results = Mutex<[WorkerResult]>([])
        let done = DispatchGroup()
        for worker in 0..<threads {
            done.enter()
            let thread = Thread {
                let result = beat(worker: worker, of: threads, plan: plan, tokens: tokens, url: url, start: start)
                results.withLock { $0.append(result) }
                done.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                done.wait()
                c.resume()
            }
        }
        return results.withLock { $0 }
    }

    /// Every device's flips in the store against the beats the collector answered; the first mismatches printed.
    static func check(dataDir: String, plan: FleetPlan, acks: [Int: [Ack]], deadline: Double) async throws
        -> FlipCheck
    {
        // The last up flips are committed when the beat is answered; the store is read as it stands now.
        let store = try SQLiteStore(dataDir: dataDir)
        let checkedAt = Date()
        var total = FlipCheck()
        var bad: [String] = []
        for device in 0..<plan.devices {
            let name = benchDeviceName(device)
            let flips = try await store.events(device: name, since: nil, afterSeq: nil, limit: 1_000_000)
                .compactMap { stored -> RecordedFlip? in
                    guard case .flip(let flip) = stored.event.payload else { return nil }
                    return RecordedFlip(from: flip.from.rawValue, to: flip.to.rawValue, at: stored.event.at)
                }
            let check = FlipCheck.check(
                acks: acks[device] ?? [], flips: flips, deadline: deadline, slack: 1.5,
                checkedAt: checkedAt)
            if (check.missing > 0 || check.unexpected > 0) && bad.count < 5 {
                bad.append("\(name): \(check) flips \(flips.map { "\($0.from)->\($0.to)@\(WireTime.format($0.at))" })")
            }
            total = total + check
        }
        for b in bad { print("fleet: MISMATCH \(b)") }
        return total
    }

    struct WorkerResult: Sendable {
        var acks: [Int: [Ack]] = [:]
        var lags: [Double] = []
        var sent = 0
        var errors = 0
        var firstError: String?
    }

    /// One client thread: the devices `i ≡ worker (mod workers)`, each at its own phase, on one keep-alive connection.
    static func beat(worker: Int, of workers: Int, plan: FleetPlan, tokens: [String], url: String, start: Date)
        -> WorkerResult
    {
        var result = WorkerResult()
        let transport: CurlTransport
        do { transport = try CurlTransport(baseURL: url, totalTimeout: 10, userAgent: "downtime-bench") } catch {
            result.firstError = "\(error)"
            return result
        }
        let mine = stride(from: worker, to: plan.devices, by: workers).map { $0 }
        let rounds = Int(plan.duration / plan.interval)
        var seq = [UInt64](repeating: 0, count: plan.devices)
        let boot = String(format: "0b5d7a3e-1c2d-4e5f-8a9b-%012x", worker)
        for round in 0..<rounds {
            for device in mine {
                let offset = Double(round) * plan.interval + plan.phase(device)
                guard plan.beats(device, at: offset) else { continue }
                let due = start + offset
                let wait = due.timeIntervalSinceNow
                if wait > 0 { usleep(UInt32(wait * 1_000_000)) }
                result.lags.append(max(0, -due.timeIntervalSinceNow))
                seq[device] += 1
                let sentAt = Date()
                let hb = Heartbeat(
                    device: benchDeviceName(device), seq: seq[device], bootID: boot,
                    uptimeS: offset + 100, sentAt: sentAt, clockSynced: true,
                    intervalS: Int(plan.interval), agentVersion: "bench")
                result.sent += 1
                do {
                    let body = try WireCoding.encode(hb)
                    let answer = try transport.post(
                        WireProtocol.apiPrefix + "/heartbeat", body: body, bearer: tokens[device],
                        timeout: nil)
                    if answer.isSuccess {
                        result.acks[device, default: []].append(Ack(sent: sentAt, answered: Date()))
                    } else {
                        result.errors += 1
                        if result.firstError == nil {
                            result.firstError = "HTTP \(answer.status): \(String(decoding: answer.body, as: UTF8.self))"
                        }
                    }
                } catch {
                    result.errors += 1
                    if result.firstError == nil { result.firstError = "\(error)" }
                }
            }
        }
        return result
    }

    static func pct(_ sorted: [Double], _ p: Double) -> Double {
        sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }
}
