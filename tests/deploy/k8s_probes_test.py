#!/usr/bin/python3
"""Every probe in deploy/k8s points at a route Scout serves (`scout --print-routes`) on the
port Scout listens on (SCOUT_SERVER_LISTEN in the ConfigMap), the Service targets that port,
and the pod's grace period covers the preStop sleep plus the drain."""
import argparse
import pathlib
import subprocess
import sys

import yaml


def served_get_paths(scout: str) -> set:
    out = subprocess.run([scout, "--print-routes"], check=True, capture_output=True, text=True,
                         timeout=60).stdout
    return {line.split()[1] for line in out.splitlines() if line.split()[:1] == ["GET"]}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scout", required=True)
    parser.add_argument("--manifests", required=True)
    args = parser.parse_args()
    docs = []
    for path in sorted(pathlib.Path(args.manifests).glob("*.yaml")):
        docs += [d for d in yaml.safe_load_all(path.read_text()) if d]
    by_kind = {}
    for d in docs:
        by_kind.setdefault(d["kind"], []).append(d)
    for kind in ("Deployment", "Service", "ConfigMap", "Secret", "HorizontalPodAutoscaler",
                 "PodDisruptionBudget", "StatefulSet"):
        if kind not in by_kind:
            print(f"missing a {kind}")
            return 1

    config = next(c for c in by_kind["ConfigMap"] if c["metadata"]["name"] == "scout")["data"]
    listen_port = int(config["SCOUT_SERVER_LISTEN"].rsplit(":", 1)[1])
    grace_ms = int(config.get("SCOUT_SERVER_SHUTDOWN_GRACE_MS", "10000"))
    served = served_get_paths(args.scout)
    failures = []
    deployment = next(d for d in by_kind["Deployment"] if d["metadata"]["name"] == "scout")
    pod = deployment["spec"]["template"]["spec"]
    container = next(c for c in pod["containers"] if c["name"] == "scout")
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    probes = {k: container.get(k) for k in ("livenessProbe", "readinessProbe", "startupProbe")}
    if not probes["livenessProbe"] or not probes["readinessProbe"]:
        failures.append("the scout container needs a liveness and a readiness probe")
    for name, probe in probes.items():
        if not probe:
            continue
        get = probe["httpGet"]
        port = ports.get(get["port"], get["port"])
        if get["path"] not in served:
            failures.append(f"{name}: {get['path']} is not a route scout serves")
        if port != listen_port:
            failures.append(f"{name}: port {port} is not scout's listen port {listen_port}")
    for port in ports.values():
        if port != listen_port:
            failures.append(f"containerPort {port} is not scout's listen port {listen_port}")
    for service in by_kind["Service"]:
        if service["spec"]["selector"] != deployment["spec"]["selector"]["matchLabels"]:
            continue
        for p in service["spec"]["ports"]:
            target = ports.get(p["targetPort"], p["targetPort"])
            if target != listen_port:
                failures.append(f"Service {service['metadata']['name']}: targetPort {target}")
    annotations = deployment["spec"]["template"]["metadata"].get("annotations", {})
    if annotations.get("prometheus.io/path", "/metrics") not in served:
        failures.append("prometheus.io/path is not a route scout serves")
    pre_stop = container["lifecycle"]["preStop"]["sleep"]["seconds"]
    grace = pod["terminationGracePeriodSeconds"]
    if grace < pre_stop + grace_ms / 1000:
        failures.append(f"terminationGracePeriodSeconds {grace} < preStop {pre_stop} s + drain "
                        f"{grace_ms / 1000} s: SIGKILL would cut requests in flight")
    for f in failures:
        print("k8s:", f)
    print(f"k8s_probes_test: {len(probes)} probes, listen port {listen_port}, "
          f"{len(failures)} problem(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
