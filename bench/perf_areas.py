#!/usr/bin/env python3
"""Reads `perf script` output (cpu-clock samples with call stacks of the node processes) from stdin and prints where
the cluster's CPU went: per node process, per thread kind and per area of the code, as a share of the samples and as
µs of CPU per operation (the processes' CPU over the traced span from /proc, divided by the operations wrk counted in
it). An area is chosen by the innermost frame that matches one of AREAS (so a frame of our code inside Kestrel counts
as ours), after the areas that own their whole subtree (OWNING)."""
import argparse
import collections
import re
import sys

# Areas that own every sample below them, checked from the outermost frame inwards.
OWNING = [
    ("GC", re.compile(r"GCHeap|gc_heap|WKS::|SVR::|GarbageCollect|gc\.cpp")),
    ("JIT", re.compile(r"libclrjit|CILJit|jitNativeCode|Compiler::")),
]
# Areas matched from the innermost frame outwards; first match of the innermost matching frame wins.
AREAS = [
    ("kernel: fsync / block I/O", re.compile(r"fsync|fdatasync|ext4_sync|jbd2|blk_|submit_bio")),
    ("kernel: network (TCP, loopback)", re.compile(r"tcp_|inet_|sock_|__sys_sendto|__sys_recvfrom|sendmsg|recvmsg|"
                                                   r"loopback|net_rx|__netif|ip_")),
    ("kernel: epoll / futex / scheduling", re.compile(r"epoll|futex|schedule|__x64_sys_sched|finish_task_switch|"
                                                      r"try_to_wake_up|pick_next")),
    ("crypto (AES-GCM, HMAC)", re.compile(r"libcrypto|AesGcm|HMAC|Sha256|EVP_")),
    ("WAL / storage (src/Storage)", re.compile(r"RaftCache\.Storage")),
    ("Raft core (src/Raft)", re.compile(r"RaftCache\.Raft\.")),
    ("state machine, command codecs (src/StateMachine)", re.compile(r"RaftCache\.StateMachine")),
    ("peer transport (src/Node/Transport)", re.compile(r"RaftCache\.Node\.Transport")),
    ("host loop (RaftHost)", re.compile(r"RaftCache\.Node\.Hosting\.RaftHost|RaftCache\.Node\.Hosting\.ReadBatch")),
    ("forwarding, request outcomes (src/Node/Requests)", re.compile(r"RaftCache\.Node\.Requests")),
    ("node: hosting, routing, sharding", re.compile(r"RaftCache\.Node\.(Hosting|Sharding|Metadata|Membership)")),
    ("REST handlers (src/Node/Api)", re.compile(r"RaftCache\.Node\.Api")),
    ("auth (src/Node/Security, ASP.NET auth)", re.compile(r"RaftCache\.Node\.Security|Authentication|Authorization")),
    ("metrics, tracing", re.compile(r"RaftCache\.Node\.Observability|Diagnostics\.Metrics|Activity|OpenTelemetry|"
                                    r"Prometheus")),
    ("RESP (src/Resp, src/Node/Resp)", re.compile(r"RaftCache\.Resp|RaftCache\.Node\.Resp")),
    ("JSON", re.compile(r"System\.Text\.Json")),
    ("ASP.NET Core middleware, routing", re.compile(r"Microsoft\.AspNetCore\.(Routing|Http|Builder|Diagnostics|"
                                                    r"HostFiltering)")),
    ("Kestrel, pipelines, sockets", re.compile(r"Kestrel|System\.IO\.Pipelines|System\.Net\.Sockets|"
                                              r"Microsoft\.AspNetCore\.Server")),
    ("threads, tasks, async machinery", re.compile(r"System\.Threading|AsyncTaskMethodBuilder|AsyncStateMachine|"
                                                   r"ThreadPool|PortableThreadPool")),
    ("runtime (allocation, stubs, type checks)", re.compile(r"libcoreclr|JIT_|RhpNew|Alloc|\[unknown\]")),
    ("kernel: other", re.compile(r"\[kernel\.kallsyms\]|^\S+ \(\[kernel")),
]
THREAD_KINDS = [
    ("thread-pool workers", re.compile(r"\.NET TP Worker|\.NET ThreadPool")),
    ("socket / epoll threads", re.compile(r"\.NET SynchManag|\.NET Sockets|epoll")),
    ("GC", re.compile(r"\.NET BGC|\.NET Server GC|\.NET GC")),
    ("JIT / tiering", re.compile(r"\.NET Tiered|\.NET TieredCom")),
    ("timers", re.compile(r"\.NET Timer|\.NET Long Running")),
]


def samples(stream):
    head, frames = None, []
    for line in stream:
        line = line.rstrip("\n")
        if not line:
            if head is not None:
                yield head, frames
            head, frames = None, []
        elif line[0] in " \t":
            frames.append(line.strip())
        else:
            head = line
    if head is not None:
        yield head, frames


def area_of(frames):
    for name, pattern in OWNING:
        if any(pattern.search(f) for f in frames):
            return name
    for frame in frames:  # innermost first
        for name, pattern in AREAS:
            if pattern.search(frame):
                return name
    return "other"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--wrk", default="", help="wrk's RESULT line (requests, duration_us) of the load")
    parser.add_argument("--cpu-ticks", type=float, default=0, help="CPU ticks (1/100 s) of the processes while traced")
    parser.add_argument("--seconds", type=float, default=10, help="length of the traced span")
    parser.add_argument("--pids", default="", help="node pids in node order")
    parser.add_argument("--stack-share", action="append", default=[], metavar="NAME=REGEX",
                        help="also print the share of samples with any frame on the stack matching REGEX (repeatable): "
                             "the whole cost of something that calls into other areas, e.g. every metrics update")
    args = parser.parse_args()
    stack_shares = [(name, re.compile(regex)) for name, regex in (s.split("=", 1) for s in args.stack_share)]
    by_stack = collections.Counter()
    wrk = dict(kv.split("=") for kv in args.wrk.split()[1:]) if args.wrk else {}
    rate = int(wrk["requests"]) / (int(wrk["duration_us"]) / 1e6) if wrk else 0
    ops = rate * args.seconds
    pids = args.pids.split()
    by_area, by_node, by_thread = collections.Counter(), collections.Counter(), collections.Counter()
    total = 0
    for head, frames in samples(sys.stdin):
        m = re.match(r"\s*(.+?)\s+(\d+)/(\d+)\s", head)
        if not m:
            continue
        comm, pid = m.group(1), m.group(2)
        total += 1
        by_area[area_of(frames)] += 1
        for name, pattern in stack_shares:
            if any(pattern.search(f) for f in frames):
                by_stack[name] += 1
        by_node["node %d" % (pids.index(pid) + 1) if pid in pids else pid] += 1
        kind = next((k for k, p in THREAD_KINDS if p.search(comm)), comm)
        by_thread[kind] += 1
    if not total:
        print("no samples")
        return
    cpu_us_per_op = args.cpu_ticks * 1e4 / ops if ops else 0
    print("%d samples; %.0f ops/s; cluster CPU %.2f s over %.0f s = %.0f µs per op" %
          (total, rate, args.cpu_ticks / 100, args.seconds, cpu_us_per_op))
    for title, counter in (("process", by_node), ("thread", by_thread), ("area", by_area)):
        print("| %s | share | µs/op |\n|---|---|---|" % title)
        for name, n in counter.most_common(28):
            print("| %s | %.1f %% | %.1f |" % (name, 100.0 * n / total, cpu_us_per_op * n / total))
        print()
    if stack_shares:
        print("| on the stack | share | µs/op |\n|---|---|---|")
        for name, _ in stack_shares:
            n = by_stack[name]
            print("| %s | %.1f %% | %.1f |" % (name, 100.0 * n / total, cpu_us_per_op * n / total))


if __name__ == "__main__":
    main()
