#!/usr/bin/env python3
"""Offline check of deploy/kubernetes (no cluster needed): every document parses and has its kind's required
fields, and the pieces fit together (selectors, the headless Service, Secrets and keys the pod mounts, probes,
RBAC for the scale-down rule, a grace period longer than the drain). With a reachable cluster, also
`kubectl apply --dry-run=server`. Prints one line per failure and exits 1 if any; otherwise 'N documents ok'."""
import glob, os, re, shutil, subprocess, sys
import yaml

here = os.path.dirname(os.path.abspath(__file__))
docs = []
for path in sorted(glob.glob(os.path.join(here, "*.yaml"))):
    with open(path) as f:
        docs += [(os.path.basename(path), d) for d in yaml.safe_load_all(f) if d]
fail = []
def check(cond, what):
    if not cond: fail.append(what)

by_kind = {}
for name, d in docs:
    for key in ("apiVersion", "kind", "metadata"):
        check(key in d, f"{name}: no {key}")
    check(bool(d.get("metadata", {}).get("name")), f"{name}: no metadata.name")
    by_kind.setdefault(d.get("kind"), []).append(d)

expected = {"StatefulSet": "apps/v1", "Service": "v1", "Secret": "v1", "PodDisruptionBudget": "policy/v1",
            "ServiceAccount": "v1", "Role": "rbac.authorization.k8s.io/v1", "RoleBinding": "rbac.authorization.k8s.io/v1"}
for kind, version in expected.items():
    check(kind in by_kind, f"no {kind}")
    for d in by_kind.get(kind, []):
        check(d["apiVersion"] == version, f"{kind} {d['metadata']['name']}: apiVersion {d['apiVersion']}, expected {version}")

sts = by_kind["StatefulSet"][0]
spec = sts["spec"]; pod = spec["template"]["spec"]; labels = spec["template"]["metadata"]["labels"]
check(spec["selector"]["matchLabels"].items() <= labels.items(), "StatefulSet selector does not match its pod labels")
check(spec.get("podManagementPolicy") == "Parallel", "founders must start in parallel (podManagementPolicy: Parallel)")
check(spec.get("persistentVolumeClaimRetentionPolicy", {}).get("whenScaled") == "Delete", "a scaled-away pod's volume must be deleted (its id is retired)")
services = {s["metadata"]["name"]: s for s in by_kind["Service"]}
peers = services.get(spec["serviceName"])
check(peers is not None and peers["spec"].get("clusterIP") == "None", "serviceName must be a headless Service")
check(peers is not None and peers["spec"].get("publishNotReadyAddresses") is True, "the peer Service must publish not-ready pods")
for s in services.values():
    check(s["spec"]["selector"].items() <= labels.items(), f"Service {s['metadata']['name']} selects no pod")
pdb = by_kind["PodDisruptionBudget"][0]
check(pdb["spec"]["selector"]["matchLabels"].items() <= labels.items(), "PodDisruptionBudget selects no pod")
check(pdb["spec"].get("maxUnavailable") == 1, "PodDisruptionBudget: at most one member away (maxUnavailable: 1)")

node = pod["containers"][0]
ports = {p["name"]: p["containerPort"] for p in node["ports"]}
check(node["readinessProbe"]["httpGet"]["path"] == "/health/ready", "readiness probe must be /health/ready")
check(node["livenessProbe"]["httpGet"]["path"] == "/health", "liveness probe must be /health")
for probe in ("readinessProbe", "livenessProbe"):
    check(node[probe]["httpGet"]["port"] in ports, f"{probe} names an unknown port")
args = dict(a[2:].split("=", 1) if "=" in a else (a[2:], None) for a in node["args"])
for needed in ("join", "join-token-file", "initial-cluster", "peer-advertise", "advertise-url", "cluster-secret-file", "api-keys-file", "k8s-statefulset"):
    check(needed in args, f"node args lack --{needed}")
check(args.get("k8s-statefulset") == sts["metadata"]["name"], "--k8s-statefulset must name this StatefulSet")
check("stay-up-when-removed" in args, "a removed pod must stay up (--stay-up-when-removed), not crash-loop")
founders = re.findall(r"\d+=([^,]+)", args.get("initial-cluster", ""))
advertise = args.get("peer-advertise", "")
for i, founder in enumerate(founders):
    check(founder == advertise.replace("$(POD_NAME)", f"{sts['metadata']['name']}-{i}"), f"founder {i + 1} ({founder}) is not what pod {i} advertises")
check(len(founders) <= spec["replicas"], "more founders than replicas")
envs = {e["name"] for e in node.get("env", [])}
for var in set(re.findall(r"\$\((\w+)\)", " ".join(node["args"]))):
    check(var in envs, f"args use $({var}) but the container does not define it")
drain = int(args.get("drain-timeout-seconds") or 300)
check(pod.get("terminationGracePeriodSeconds", 30) > drain, "terminationGracePeriodSeconds must exceed the drain timeout")

secrets = {s["metadata"]["name"]: s for s in by_kind["Secret"]}
volumes = {v["name"]: v for v in pod["volumes"]}
mounts = {m["mountPath"]: m["name"] for m in node["volumeMounts"]}
for flag in ("join-token-file", "cluster-secret-file", "api-keys-file"):
    path = args.get(flag, "")
    volume = volumes.get(mounts.get(os.path.dirname(path), ""))
    secret = secrets.get(volume["secret"]["secretName"]) if volume and "secret" in volume else None
    check(secret is not None and os.path.basename(path) in secret.get("stringData", {}), f"--{flag} {path} is not a key of a mounted Secret")
check(any(t["metadata"]["name"] == mounts.get("/data") for t in spec["volumeClaimTemplates"]), "/data is not a per-pod volume")

sa = pod.get("serviceAccountName")
check(any(a["metadata"]["name"] == sa for a in by_kind["ServiceAccount"]), "the pod's service account is not defined")
role = by_kind["Role"][0]
check(any("statefulsets" in r["resources"] and "get" in r["verbs"] for r in role["rules"]), "the Role must allow get statefulsets")
binding = by_kind["RoleBinding"][0]
check(binding["roleRef"]["name"] == role["metadata"]["name"] and any(s["name"] == sa for s in binding["subjects"]), "the RoleBinding does not bind the Role to the pod's service account")

# kubectl needs an API server even for --dry-run=client (discovery), so it runs only when one answers.
if shutil.which("kubectl") and subprocess.run(["kubectl", "cluster-info"], capture_output=True, timeout=20).returncode == 0:
    r = subprocess.run(["kubectl", "apply", "--dry-run=server", "-f", here], capture_output=True, text=True, timeout=60)
    check(r.returncode == 0, "kubectl apply --dry-run=server: " + r.stderr.strip())

for f in fail: print("FAIL", f)
print(f"{len(docs)} documents ok" if not fail else f"{len(fail)} problem(s)")
sys.exit(1 if fail else 0)
