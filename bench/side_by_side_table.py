"""Markdown table of bench/run-side-by-side.sh from its TSV of cells (one row per system and cell).

Columns per system: ops/s, p50 and p99 in ms, CPU µs per op of all its processes; then RaftCache/etcd and
RaftCache/ceiling throughput ratios. The ceiling runs one process on one endpoint and does not know consistency
levels: its put and get cells of the same value size and connection count stand for every row of that shape.
"""
import sys

cells = {}
order = []
for line in open(sys.argv[1]):
    f = line.rstrip('\n').split('\t')
    if len(f) < 11:
        continue
    system, op, cons, size, conns, placement = f[:6]
    cells[(system, op, cons, size, conns, placement)] = f[6:]
    if system == 'raftcache':
        order.append((op, cons, size, conns, placement))


def show(c):
    if c is None:
        return ['n/a'] * 4
    rate, p50, p99, cpu, errors = c
    note = f' ({errors} errors)' if errors not in ('0', '') else ''
    return [f'{int(rate):,}{note}', p50, p99, cpu]


def ratio(a, b):
    return f'{int(a[0]) / int(b[0]):.2f}' if a and b and int(b[0]) else 'n/a'


print('| op | consistency | value | conns | clients on | RaftCache ops/s | p50 ms | p99 ms | CPU µs/op '
      '| etcd ops/s | p50 ms | p99 ms | CPU µs/op | ceiling ops/s | p50 ms | p99 ms | CPU µs/op '
      '| RaftCache/etcd | RaftCache/ceiling |')
print('|' + '---|' * 19)
for op, cons, size, conns, placement in order:
    rc = cells.get(('raftcache', op, cons, size, conns, placement))
    et = cells.get(('etcd', op, cons, size, conns, placement))
    ce = cells.get(('ceiling', op, '-', size, conns, 'one'))
    label = {'one': 'one node', 'spread': 'all nodes'}[placement]
    print('| ' + ' | '.join([op, cons if op == 'get' else '-', f'{int(size) // 1024} KiB', conns, label]
                           + show(rc) + show(et) + show(ce) + [ratio(rc, et), ratio(rc, ce)]) + ' |')
