#!/usr/bin/env python3
"""Converts a RaftCache chaos history (JSON Lines, docs/reliability.md "History files") into Knossos' EDN input.

Each key of the cache is one compare-and-set register, so the default output is one EDN file per key, one
Jepsen operation map per line, ready for Knossos' cas-register model:

  {:process 3, :type :invoke, :f :write, :value "c3-17", :time 1200345, :index 0}

Mapping: read -> :read (absent -> nil), write -> :write, delete -> :write nil, cas [old new] -> :cas [old new]
(a 412 answer is :fail). Reads made with consistency=local are promised only "some committed value" and are left
out (the chaos harness checks them apart); linearizable and lease reads are kept. With --independent the whole
history goes into one file whose values are [key value] tuples, the shape of jepsen.independent.

Usage: convert_history.py HISTORY.jsonl OUT_DIR [--independent]
"""
import json
import os
import re
import sys


def edn(value):
    """EDN text of a JSON value: strings quoted, null as nil, lists as vectors."""
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return "[" + " ".join(edn(v) for v in value) + "]"
    return json.dumps(str(value))  # a JSON string literal is a valid EDN string literal


def convert(event):
    """The Jepsen operation of one history event, or None when the event is not for a linearizability checker."""
    if event.get("consistency") == "local":
        return None
    f, value = event["f"], event.get("value")
    if f == "delete":
        f, value = "write", None
    if event["f"] == "read" and event["type"] == "invoke":
        value = None
    return {"process": event["process"], "type": event["type"], "f": f, "value": value, "time": event["time"]}


def line(op, index, key=None):
    value = edn(op["value"]) if key is None else "[" + edn(key) + " " + edn(op["value"]) + "]"
    return (f"{{:process {op['process']}, :type :{op['type']}, :f :{op['f']}, :value {value}, "
            f":time {op['time']}, :index {index}}}")


def main(argv):
    if len(argv) < 3 or argv[1].startswith("-"):
        sys.stderr.write(__doc__)
        return 2
    source, out_dir, independent = argv[1], argv[2], "--independent" in argv[3:]
    os.makedirs(out_dir, exist_ok=True)
    per_key, everything = {}, []
    with open(source, encoding="utf-8") as lines:
        for number, text in enumerate(lines, 1):
            if not text.strip():
                continue
            try:
                event = json.loads(text)
                op = convert(event)
            except (ValueError, KeyError) as error:
                sys.stderr.write(f"{source}:{number}: not a history event ({error})\n")
                return 1
            if op is None:
                continue
            per_key.setdefault(event["key"], []).append(op)
            everything.append((event["key"], op))
    if independent:
        with open(os.path.join(out_dir, "history.edn"), "w", encoding="utf-8") as out:
            for index, (key, op) in enumerate(everything):
                out.write(line(op, index, key) + "\n")
    else:
        for key, ops in per_key.items():
            name = re.sub(r"[^A-Za-z0-9._-]", "_", key) + ".edn"
            with open(os.path.join(out_dir, name), "w", encoding="utf-8") as out:
                for index, op in enumerate(ops):
                    out.write(line(op, index) + "\n")
    print(f"{len(everything)} events, {len(per_key)} keys -> {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
