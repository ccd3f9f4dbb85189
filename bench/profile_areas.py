"""CPU by area from a dotnet-trace cpu-sampling trace (speedscope JSON), or GC/JIT figures from dotnet-counters CSV.

  python3 bench/profile_areas.py TRACE.speedscope.json     # samples by area, busy threads only
  python3 bench/profile_areas.py --counters COUNTERS.csv   # % time in GC, JIT time, allocation rate

The EventPipe sample profiler samples every managed thread every millisecond, busy or not. A sample whose stack ends
in a wait (thread-pool semaphore, epoll, a monitor, a sleep) is idle and left out; every other sample is attributed
to the area of the innermost frame that matches one (so a SHA-256 inside the authentication handler counts as auth,
the JSON writer inside a REST handler as JSON). Native time under a managed frame (a syscall: write, fsync, send)
counts toward that frame's area, with fsync split out by name.
"""
import collections
import csv
import json
import re
import sys

AREAS = [
    ('fsync wait', r'FSync|FlushToDisk|fsync|fdatasync|Flush\(Boolean'),
    ('WAL (src/Storage)', r'^RaftCache\.Storage'),
    ('Raft step (src/Raft)', r'^RaftCache\.Raft'),
    ('apply (src/StateMachine)', r'^RaftCache\.StateMachine|CacheGroupStateMachine'),
    ('JSON', r'^System\.Text\.Json'),
    ('auth', r'Authentication|Authorization|ApiKey|SHA256|HMAC|Security'),
    ('peer transport + AES-GCM', r'^RaftCache\.Node\.Transport|AesGcm'),
    ('forwarding (HTTP client, proxy)', r'Yarp|Gateway|System\.Net\.Http|Forward'),
    ('host loop (RaftHost)', r'^RaftCache\.Node\.Hosting'),
    ('REST handlers (src/Node/Api)', r'^RaftCache\.Node\.Api|^RaftCache\.Node\.'),
    ('Kestrel + pipelines', r'Kestrel|System\.IO\.Pipelines'),
    ('ASP.NET routing, middleware', r'^Microsoft\.AspNetCore|^Microsoft\.Extensions'),
    ('sockets', r'^System\.Net\.Sockets'),
    ('thread pool, tasks', r'^System\.Threading'),
]
WAIT = re.compile(r'WaitForSignal|WaitOne|WaitCore|WaitNative|Wait\(|Sleep|SpinWait|LowLevelLifoSemaphore|epoll|'
                  r'WaitForSocketEvents|EventLoop|Monitor\.|Park|ReceiveMessage|Thread\.Join|ReadLine|Read\(')
PSEUDO = {'UNMANAGED_CODE_TIME', 'CPU_TIME'}


def area_of(stack):
    """stack: frame names, root first. Returns the area of the innermost matching frame."""
    for name in reversed(stack):
        if name in PSEUDO:
            continue
        for area, pattern in AREAS:
            if re.search(pattern, name):
                return area
    return 'other (runtime, BCL)'


def is_idle(stack):
    names = [n for n in stack if n not in PSEUDO]
    if not names:
        return True
    native = stack[-1] == 'UNMANAGED_CODE_TIME'
    # A thread parked in native code under a wait is idle; fsync is native too but counts (the loop waits on it).
    if native and re.search(r'FSync|FlushToDisk|fsync', ' '.join(names[-4:])):
        return False
    return bool(WAIT.search(' '.join(names[-3:]))) or (native and bool(WAIT.search(' '.join(names[-6:]))))


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
