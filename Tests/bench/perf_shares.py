#!/usr/bin/env python3
"""Where a server's CPU goes, from a `perf record -g` profile (issue 33): the share of samples per row, and with
--per-request-us the microseconds per request (share × CPU per request of the same profiled run).

    perf script -i perf.data -F comm,tid,ip,sym,dso > perf.txt
    python3 Tests/bench/perf_shares.py perf.txt [--per-request-us 283]

A sample in the kernel goes by its system call; any other goes to the first frame, from the leaf up, that belongs to
one of the rows of our route or of the framework; what is left by its leaf. Async stacks are cut at each
continuation, so a row holds what ran in that step, not what it awaited. Used for BENCHMARKS.md section 7.
"""
import re, sys, collections
ROUTE = [
    ("TimelineCache.add: copy-on-write of the whole [device: rows] dictionary, and freeing the old one", r"_NativeDictionaryV4copy.*StoredEvent|TimelineCache|_DictionaryStorageCfd"),
    ("decode (WireCoding / JSONDecoder, Heartbeat.init(from:))", r"WireCoding|JSONDecoder|JSONScanner|JSONMap|_JSONKeyedDecodingContainer|9Heartbeat.*init4from|JSONIO.*decode|StrictKeys|AnyKey"),
    ("token check (Tokens.bearer/hash, SHA-256, Ingest.owner/authorize, Fleet lookup)", r"6Tokens|SHA256|Crypto|5owner7ofToken|9authorize|forTokenHash"),
    ("rate limit", r"RateLimit"),
    ("beat state (Ingest.beat, Fleet.beat/live, maintenance, power, checks)", r"6IngestC4beat|5FleetC4beat|5FleetC4live|endMaintenance|Maintenance|PowerWarning|CheckStates|markAlive|QueuedBeat"),
    ("the answer (HeartbeatReply.wireBytes, WireTime.format, JSONIO.response)", r"wireBytes|WireTime|JSONIO.*response|HeartbeatReply"),
    ("sweep / flush / background", r"Sweeper|CollectorService|saveBeats|GRDB|sqlite3|HeartbeatFlush|flushBeats"),
    ("middlewares (metrics, access, errors, 405) and swift-metrics/Prometheus", r"MetricsMiddleware|AccessMiddleware|JSONErrorMiddleware|MethodNotAllowed|MiddlewareResponder|Prometheus|CoreMetrics|MetricsCache|MetricsSystem"),
    ("logger metadata (swift-log)", r"7Logging|Logger"),
    ("router (Hummingbird trie, request context)", r"Router|Trie|RequestContext|RouterGroup|RouteCollection"),
    ("HTTP/1 parse and encode (llhttp, NIOHTTP1, HTTPTypes)", r"llhttp|NIOHTTP1|HTTPTypes|HTTPHeaders|HTTPResponseEncoder|HTTPDecoder|HTTPServerCodec"),
]
LEAF = [
    ("kernel: socket send", r"tcp_sendmsg|__sys_sendto|sock_write|__x64_sys_write|__x64_sys_writev|do_writev"),
    ("kernel: socket receive", r"tcp_recvmsg|sock_read|__x64_sys_read|__x64_sys_recvfrom"),
    ("kernel: futex / scheduling (thread wake and sleep)", r"futex|schedule|__x64_sys_sched|try_to_wake_up"),
    ("kernel: epoll", r"epoll"),
]
counts = collections.Counter()
threads = collections.Counter()
total = 0
def flush(comm, frames):
    global total
    if not frames:
        return
    total += 1
    threads["NIO event loops" if comm.startswith("NIO") else ("Swift concurrency pool (dispatch workers)" if "default-qos" in comm or "dispatch" in comm else comm)] += 1
    if "kernel" in frames[0][2]:
        syms = " ".join(s for _, s, _ in frames)
        for name, pat in LEAF:
            if re.search(pat, syms):
                counts[name] += 1
                return
        counts["kernel: other"] += 1
        return
    for _, sym, dso in frames:
        for name, pat in ROUTE:
            if re.search(pat, sym):
                counts[name] += 1
                return
    # (A kernel leaf returned above.)
    syms = " ".join(s for _, s, _ in frames)
    leaf_dso = frames[0][2]
    if any(x in syms for x in ("swift_task", "swift_job", "swift::", "_dispatch", "swift_continuation", "Executor", "ExecutorJob")) and not any(x in syms for x in ("NIOCore", "NIOPosix")):
        counts["task scheduling (actor hops, executor, continuations)"] += 1
    elif re.search(r"NIOPosix|NIOCore|NIOAsync|SelectableEventLoop|Channel", syms):
        counts["NIO channel pipeline and event loop (not HTTP parse)"] += 1
    elif re.search(r"Hummingbird", syms):
        counts["Hummingbird (other)"] += 1
    elif "libswiftCore" in leaf_dso or "libc.so" in leaf_dso:
        counts["retain/release, malloc, runtime (no caller above)"] += 1
    else:
        counts["other"] += 1
def main():
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("script", help="output of perf script -F comm,tid,ip,sym,dso")
    ap.add_argument("--per-request-us", type=float, help="CPU microseconds per request of the profiled run")
    a = ap.parse_args()
    comm, frames = None, []
    for line in open(a.script, errors="replace"):
        if not line.strip():
            flush(comm, frames)
            comm, frames = None, []
            continue
        if not line.startswith(("\t", " ")):
            flush(comm, frames)
            frames = []
            comm = line.rsplit(None, 1)[0].strip()
            continue
        m = re.match(r"\s*([0-9a-f]+)\s+(.*)\s+\((.*)\)\s*$", line)
        if m:
            frames.append((m.group(1), m.group(2), m.group(3)))
    flush(comm, frames)
    print(f"{total} samples")
    for name, n in counts.most_common():
        us = f"  {a.per_request_us * n / total:6.1f} us" if a.per_request_us else ""
        print(f"{100 * n / total:5.1f} %{us}  {name}")
    print("by thread:")
    for name, n in threads.most_common(4):
        print(f"{100 * n / total:5.1f} %  {name}")


if __name__ == "__main__":
    main()
