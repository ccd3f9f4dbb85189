#!/usr/bin/env python3
# Watches a RaftCache cluster settle after a member was added (used by bench/run-rebalance.sh), bounded by --timeout-s.
#   watch:  polls, every 0.5 s, GET /admin/members/{id} (placement and moves, from the cluster record) on the first
#           member and GET /metrics (replicas held, leaders, keys, bytes) on every member; neither hashes the data, so
#           polling does not stall the nodes' host loops the way GET /admin/cluster does (it hashes every replica).
#           Prints one JSON object: seconds until the new member first held a replica; until the data had moved
#           (moves_done_s: no moves, replica counts within one, the new member holding its share, every member holding
#           exactly the replicas the placement gives it, so old replicas deleted); and until balanced (balanced_s: also
#           every shard led once and leader counts within one). Exit 1 on timeout, 2 when the data moved but the
#           leaders did not balance within --leader-timeout-s.
#   verify: one GET /admin/cluster per member (after the load stopped): every shard exactly RF voters on members and
#           no learner, as tests/Node.Tests/Membership/MembershipCluster.cs checks; prints keys/bytes per member.
import argparse, json, os, re, sys, time, urllib.request

ap = argparse.ArgumentParser()
ap.add_argument("command", choices=["watch", "verify"])
ap.add_argument("--members", required=True, help="id=url,... of every member, the new one included")
ap.add_argument("--new-id", type=int, default=0)
ap.add_argument("--rf", type=int, default=3)
ap.add_argument("--timeout-s", type=float, default=900)
ap.add_argument("--progress-s", type=float, default=10)
ap.add_argument("--leader-timeout-s", type=float, default=60, help="after the data moved, how long to wait for leaders to balance")
args = ap.parse_args()
members = {int(k): v for k, v in (p.split("=", 1) for p in args.members.split(","))}
first_url = members[min(members)]
start = time.monotonic()

def get(url, as_json=True):
    try:
        request = urllib.request.Request(url, headers={"X-Api-Key": os.environ.get("RAFTCACHE_KEY", "")})
        with urllib.request.urlopen(request, timeout=5) as r:
            return json.load(r) if as_json else r.read().decode()
    except Exception:
        return None

# Per-shard series carry a "shard" label beside the exporter's own labels (otel_scope_name), in any order.
METRIC = re.compile(r'^(raftcache_raft_is_leader|raftcache_cache_keys|raftcache_cache_bytes)\{(?:[^}]*,)?shard="(\d+)"[^}]*\} (\d+)$', re.M)

def metrics(url):
    text = get(url + "/metrics", as_json=False)
    if text is None:
        return None
    groups = {}
    for name, group, value in METRIC.findall(text):
        if group != "0":
            groups.setdefault(int(group), {})[name.rsplit("_", 1)[1]] = int(value)
    return groups  # shard -> {"leader": 0|1, "keys": n, "bytes": n}

if args.command == "verify":
    out = {}
    for i, url in members.items():
        v = get(url + "/admin/cluster")
        if v is None:
            print(json.dumps({"ok": False, "detail": f"member {i} unreachable"})); sys.exit(1)
        own = [s for s in v["shards"] if s.get("configuration")]
        for s in own:
            c = s["configuration"]
            if len(c["voters"]) != args.rf or c["learners"] or c["joint"] or not all(x in members for x in c["voters"]):
                print(json.dumps({"ok": False, "detail": f"member {i} shard {s['id']}: {c}"})); sys.exit(1)
        out[i] = {"replicas": len(own), "keys": sum(s["keys"] for s in own), "bytes": sum(s["bytes"] for s in own),
                  "moves": len(v["moves"])}
    print(json.dumps({"ok": True, "members": out})); sys.exit(0)

result = {"first_replica_s": None, "moves_done_s": None, "balanced_s": None, "polls": 0, "max_moves_seen": 0}
last_progress = -args.progress_s
detail = "no poll answered"
share = None
while time.monotonic() - start < args.timeout_s:
    statuses = {i: get(f"{first_url}/admin/members/{i}") for i in members}
    held = {i: metrics(u) for i, u in members.items()}
    result["polls"] += 1
    now = time.monotonic() - start
    if all(s is not None for s in statuses.values()) and all(h is not None for h in held.values()):
        moves = {m["shard"] for s in statuses.values() for m in s["moves"]}
        placement = {i: set(s["replicas"]) for i, s in statuses.items()}
        shards = set().union(*placement.values())
        share = len(shards) * args.rf // len(members)
        result["max_moves_seen"] = max(result["max_moves_seen"], len(moves))
        new = held[args.new_id]
        if new and result["first_replica_s"] is None:
            result["first_replica_s"] = round(now, 2)
        counts = {i: len(p) for i, p in placement.items()}
        leaders = {i: sum(g.get("leader", 0) for g in h.values()) for i, h in held.items()}
        led = sorted(s for h in held.values() for s, g in h.items() if g.get("leader"))
        summary = f"replicas {counts} leaders {leaders}"
        if moves:
            detail = f"moving shards {sorted(moves)}; {summary}"
        elif max(counts.values()) - min(counts.values()) > 1:
            detail = "replicas unbalanced: " + summary
        elif any(set(held[i]) != placement[i] for i in members):
            detail = "replicas not yet created or deleted: " + ", ".join(f"{i} holds {sorted(held[i])} placed {sorted(placement[i])}" for i in members if set(held[i]) != placement[i])
        elif result["moves_done_s"] is None and len(placement[args.new_id]) >= share:
            # The data has moved: no moves, replica counts within one, every replica created and every old one deleted.
            result["moves_done_s"] = round(now, 2)
            result["new_replicas"] = len(new)
            result["new_keys"] = sum(g.get("keys", 0) for g in new.values())
            result["new_bytes"] = sum(g.get("bytes", 0) for g in new.values())
            continue
        elif result["moves_done_s"] is not None and now - result["moves_done_s"] > args.leader_timeout_s:
            result["detail"] = f"data moved, leaders not balanced within {args.leader_timeout_s:.0f} s: {summary}"
            print(json.dumps(result)); sys.exit(2)
        elif led != sorted(shards):
            detail = f"shards without exactly one leader: {sorted(set(shards) ^ set(led))} {led}"
        elif max(leaders.values()) - min(leaders.values()) > 1:
            detail = "leaders unbalanced: " + summary
        else:
            result["balanced_s"] = round(now, 2)
            result["detail"] = summary
            print(json.dumps(result)); sys.exit(0)
        if now - last_progress >= args.progress_s:
            print(f"  [{now:6.1f} s] new member holds {len(new)} replica(s), {sum(g.get('bytes', 0) for g in new.values()) / 1e6:.0f} MB; {detail}", file=sys.stderr, flush=True)
            last_progress = now
    time.sleep(0.5)
result["detail"] = "timeout: " + detail
print(json.dumps(result)); sys.exit(1)
