"""CPU by area from a dotnet-trace cpu-sampling trace (speedscope JSON), or GC/JIT figures from dotnet-counters CSV.

  python3 bench/profile_areas.py TRACE.speedscope.json     # samples by area, busy threads only
  python3 bench/profile_areas.py --counters COUNTERS.csv   # % time in GC, JIT time, allocation rate

The sampled-thread-time profile samples every managed thread at ~100 Hz, busy or not: a sample is CPU_TIME (running
managed code, or runnable and preempted) or UNMANAGED_CODE_TIME (in native code: a syscall, or parked). A native
sample whose two nearest managed frames hold a wait (thread-pool semaphore, epoll loop, monitor, wait handle) is idle and
left out. Every other sample goes to an area: first the areas that own their whole subtree (fsync, exceptions,
forwarding, the host loop's parts), else the innermost frame of the request pipeline that matches (a SHA-256 inside
the authentication handler counts as auth, the JSON writer inside a REST handler as JSON). On an overloaded machine
preempted threads are sampled where they stood, so shares approximate CPU; GC and JIT run in native runtime threads
the sampler does not see: their time comes from the counters (dotnet.gc.pause.time, dotnet.jit.compilation.time).
"""
import collections
import csv
import json
import re
import sys

# Areas that own everything below them: the first whose pattern matches any frame of the stack wins.
OWNING = [
    # Attaching the tracer builds event manifests by reflection and finalizes dynamic methods: the trace's own cost.
    ('trace session start-up (not the load)', r'EventPipeEventProvider\.|DynamicResolver\.Finalize'),
    ('fsync wait', r'FSync|FlushToDisk|fdatasync'),
    ('exceptions (throw, unwind)', r'System\.Runtime\.EH\.|ExceptionDispatchInfo|CaptureDispatchState'),
    ('forwarding to the leader (HTTP client)', r'LeaderForwarder|System\.Net\.Http\.|Yarp'),
    ('forwarding over the peer connection (src/Node/Requests)', r'RaftCache\.Node\.Requests\.PeerForwarder|ForwardCodec'),
    ('thread-pool spinning', r'LowLevelSpinWaiter'),
    ('WAL (src/Storage)', r'RaftCache\.Storage'),
    ('state machine: apply, codecs (src/StateMachine)', r'RaftCache\.StateMachine|CacheGroupStateMachine'),
    ('Raft step (src/Raft)', r'RaftCache\.Raft\.'),
    ('peer transport + AES-GCM', r'RaftCache\.Node\.Transport|AesGcm'),
    ('host loop, other (RaftHost)', r'RaftCache\.Node\.Hosting\.RaftHost'),
]
# Areas of the request pipeline, which nests: the innermost matching frame decides.
INNERMOST = [
    ('GC allocation slow path', r'^System\.GC\.|GC\.Alloc|AllocateUninitializedArray|AllocateNewArray'),
    ('JSON', r'System\.Text\.Json'),
    ('auth (API key, authorization)', r'AuthenticationHandler|ApiKey|SHA256|AuthResponses|AuthorizationHandler|'
     r'PolicyEvaluator|DefaultAuthorizationService|ClaimsPrincipal'),
    ('metrics, tracing (OpenTelemetry, Activity)', r'OpenTelemetry|System\.Diagnostics\.Metrics|System\.Diagnostics\.Activity|'
     r'RequestMetrics|HostingApplicationDiagnostics|Instruments'),
    ('logging', r'Microsoft\.Extensions\.Logging'),
    ('RESP front end (src/Resp, src/Node/Resp)', r'RaftCache\.Resp\.|RaftCache\.Node\.Resp\.'),
    ('REST handlers (src/Node/Api, routing to shards)', r'RaftCache\.Node\.'),
    ('Kestrel, pipelines, sockets', r'Kestrel|System\.IO\.Pipelines|System\.Net\.Sockets'),
    ('ASP.NET Core middleware, routing', r'Microsoft\.AspNetCore|Microsoft\.Extensions'),
    ('thread pool, tasks', r'System\.Threading'),
]
# A thread parked in native code under one of these frames is waiting, not working.
WAIT = re.compile(r'WaitNative|WaitForSignal|LowLevelLifoSemaphore\.Wait|ManualResetEventSlim\.Wait|Monitor\.Wait|WaitOneNoCheck|ConsoleLoggerProcessor|TryReadEvent|SocketAsyncEngine\.EventLoop|'
                  r'WorkerThread\.WorkerThreadStart|Thread\.Sleep|WaitForSocketEvents')
PARKED_FINALIZER = re.compile(r'System\.GC\.RunFinalizers|FinalizerThread')
PSEUDO = {'UNMANAGED_CODE_TIME', 'CPU_TIME'}


def method(name):
    return name.split('!', 1)[-1]


def area_of(stack):
    """stack: frame names, root first."""
    names = [method(n) for n in stack if n not in PSEUDO]
    joined = '\n'.join(names)
    for area, pattern in OWNING:
        if re.search(pattern, joined):
            return area
    for name in reversed(names):
        for area, pattern in INNERMOST:
            if re.search(pattern, name):
                return area
    return 'other (runtime, BCL)'


def is_idle(stack):
    if stack[-1] != 'UNMANAGED_CODE_TIME':
        return False
    managed = [method(n) for n in stack[:-1] if n not in PSEUDO and method(n) != '?']
    # The finalizer thread parked in native code right under its loop waits for work; it was counted as
    # "GC allocation slow path" (its frame matches System.GC.) though it runs nothing.
    if managed and PARKED_FINALIZER.search(managed[-1]):
        return True
    return bool(managed) and bool(WAIT.search('\n'.join(managed[-2:])))


def profile(path):
    doc = json.load(open(path))
    frames = [f['name'] for f in doc['shared']['frames']]
    by_area = collections.Counter()
    by_frame = collections.Counter()
    busy = idle = 0.0
    for prof in doc['profiles']:
        stack, last = [], None
        for ev in prof.get('events', []):
            at = ev['at']
            if last is not None and stack and at > last:
                dt = at - last
                names = [frames[i] for i in stack]
                if is_idle(names):
                    idle += dt
                else:
                    busy += dt
                    by_area[area_of(names)] += dt
                    for name in set(names):
                        by_frame[name] += dt
            last = at
            if ev['type'] == 'O':
                stack.append(ev['frame'])
            elif stack:
                stack.pop()
    print(f'busy samples {busy:.0f} ms of {busy + idle:.0f} ms sampled (all threads)')
    print('| area (innermost matching frame) | share of busy samples |')
    print('|---|---|')
    for area, t in by_area.most_common():
        print(f'| {area} | {100 * t / busy:.1f} % |')
    print('\ntop frames by inclusive busy time:')
    for name, t in by_frame.most_common(40):
        if name in PSEUDO:
            continue
        print(f'{100 * t / busy:5.1f} %  {name[:150]}')


def counters(path):
    series = collections.defaultdict(list)
    with open(path) as f:
        for row in csv.DictReader(f):
            series[row.get('Counter Name') or row.get('Counter')].append(float(row.get('Mean/Increment') or 0))
    for name, values in sorted(series.items()):
        if values:
            print(f'{name}: mean {sum(values) / len(values):.3f} over {len(values)} samples')


if __name__ == '__main__':
    if sys.argv[1] == '--counters':
        counters(sys.argv[2])
    else:
        profile(sys.argv[1])
