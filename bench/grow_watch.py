#!/usr/bin/env python3
"""Helpers of bench/run-64.sh, reading GET /admin/cluster of one member (key in RAFTCACHE_KEY).
  grow_watch.py balanced URL N     exit 0 when N members are active, no moves, every member holds a replica,
                                   replica counts within one and each shard has a leader; prints a one-line summary
  grow_watch.py removed URL ID     exit 0 when member ID is in removed_members
  grow_watch.py summary URL        JSON: members, voters, learners, replicas and leaders per member (min/max)"""
import json, sys, urllib.request, os
from concurrent.futures import ThreadPoolExecutor

def view(url):
    req = urllib.request.Request(url.rstrip("/") + "/admin/cluster", headers={"X-Api-Key": os.environ["RAFTCACHE_KEY"]})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)

def shard_leaders(v):
    """A member knows the leader only of shards it holds a replica of: ask every member, keep what they know."""
    def known(member):
        try:
            return [(s["id"], s["leader"]) for s in view(member["address"])["shards"] if s["leader"]]
        except Exception:
            return []
    leaders = {}
    with ThreadPoolExecutor(16) as pool:
        for pairs in pool.map(known, [m for m in v["members"] if m.get("address")]):
            for shard, leader in pairs: leaders.setdefault(shard, leader)
    return leaders

def summary(v):
    ids = [m["id"] for m in v["members"]]
    replicas = {i: 0 for i in ids}
    leaders = {i: 0 for i in ids}
    known = shard_leaders(v)
    for s in v["shards"]:
        for r in s["replicas"]:
            if r["id"] in replicas: replicas[r["id"]] += 1
        if known.get(s["id"]) in leaders: leaders[known[s["id"]]] += 1
    conf = v.get("metadata_configuration") or {}
    return {"members": len(ids), "active": sum(m["state"] == "active" for m in v["members"]),
            "voters": len(conf.get("voters", [])), "learners": len(conf.get("learners", [])),
            "moves": len(v["moves"]), "shards_without_leader": sum(s["id"] not in known for s in v["shards"]),
            "replicas_min": min(replicas.values()), "replicas_max": max(replicas.values()),
            "leaders_min": min(leaders.values()), "leaders_max": max(leaders.values())}

try:
    what, url = sys.argv[1], sys.argv[2]
    v = view(url)
except Exception as e:
    print(f"unreachable: {e}"); sys.exit(1)
if what == "balanced":
    s = summary(v); n = int(sys.argv[3])
    print(json.dumps(s))
    ok = (s["active"] == n and s["members"] == n and s["moves"] == 0 and s["shards_without_leader"] == 0
          and s["replicas_min"] >= 1 and s["replicas_max"] - s["replicas_min"] <= 1)
    sys.exit(0 if ok else 1)
if what == "removed":
    sys.exit(0 if int(sys.argv[3]) in v["removed_members"] else 1)
print(json.dumps(summary(v)))
