#!/usr/bin/env python3
"""Staged rollout of a Scout feature flag across the instances of a cluster.

Moves features.<flag>.rollout_percent through the stages (10 -> 50 -> 100 by default) on every
instance at once: writes the value into each instance's configuration file, sends it SIGHUP and
waits until its /metrics shows the new value. Then it soaks: for --soak-s seconds it checks each
instance's /health/detailed and the share of 5xx answers on the client routes since the stage
began. A breach (an instance unhealthy or unreachable, an error ratio above --max-error-ratio,
a reload not taken) rolls back: every configuration file is restored as it was before the run,
every instance gets SIGHUP, and the script exits 1. See deploy/rollout.md.

Instances come from an inventory, one line each: name pid url config-file admin-token-file
(`deploy/local/cluster.sh instances` prints it for the local cluster, the default).
Exit codes: 0 rolled out, 1 breach (rolled back), 2 nothing done (bad arguments or a
precondition failed), 3 rollback incomplete (a human must look).
Standard library only.
"""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLUSTER_SH = os.path.join(ROOT, "deploy", "local", "cluster.sh")
FLAGS = ("enhanced_caching", "retry_logic", "data_validation", "quality_ranking")
EXIT_OK, EXIT_ROLLED_BACK, EXIT_NOTHING_DONE, EXIT_ROLLBACK_INCOMPLETE = 0, 1, 2, 3

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)')
LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


class Breach(Exception):
    """A stage failed; the message says which instance and why."""


class Stop(Exception):
    """Nothing was changed; exit 2 with the message."""


def say(message):
    print(f"rollout: {message}", flush=True)


# ---- instances -------------------------------------------------------------------------------

@dataclass
class Instance:
    name: str
    pid: int
    url: str
    config: str
    token: str
    original: bytes = b""            # the configuration file before the run, restored on rollback
    previous_percent: int = 100      # the live rollout before the run
    baseline: dict = field(default_factory=dict)  # counters at the start of the stage

    def http(self, path, admin=False, timeout_s=5.0):
        """(status, body); status 0 when there is no answer."""
        headers = {"Authorization": f"Bearer {self.token}"} if admin else {}
        request = urllib.request.Request(self.url + path, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout_s) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(errors="replace")
        except OSError as e:
            return 0, str(e)

    def metrics(self):
        status, body = self.http("/metrics", admin=True)
        if status != 200:
            raise Breach(f"{self.name}: GET /metrics -> {status or body}")
        return parse_metrics(body)

    def reload(self):
        try:
            os.kill(self.pid, signal.SIGHUP)
        except ProcessLookupError:
            raise Breach(f"{self.name}: process {self.pid} is gone") from None


def read_inventory(path):
    if path:
        with open(path) as f:
            text = f.read()
    else:
        listed = subprocess.run(["bash", CLUSTER_SH, "instances"], timeout=30,
                                capture_output=True, text=True)
        if listed.returncode != 0:
            raise Stop(f"cluster.sh instances: {listed.stderr.strip()}")
        text = listed.stdout
    instances = []
    for line in text.splitlines():
        fields = line.split()
        if not fields or fields[0].startswith("#"):
            continue
        if len(fields) != 5 or not fields[1].isdigit():
            raise Stop(f"inventory line '{line}': expected name pid url config-file token-file")
        name, pid, url, config, token_file = fields
        with open(token_file) as f:
            instances.append(Instance(name, int(pid), url.rstrip("/"), config, f.read().strip()))
    if not instances:
        raise Stop("the inventory names no instance")
    return instances


# ---- metrics ---------------------------------------------------------------------------------

def parse_metrics(text):
    """{(name, frozenset(labels)): value} from the Prometheus text exposition."""
    samples = {}
    for line in text.splitlines():
        match = SAMPLE.match(line)
        if match and not line.startswith("#"):
            labels = frozenset(LABEL.findall(match.group(2) or ""))
            samples[(match.group(1), labels)] = float(match.group(3))
    return samples


def flag_gauge(samples, name, flag):
    return samples.get((name, frozenset({("flag", flag)})))


def counters(samples, flag, routes):
    """The stage's counters: client-route requests, their 5xx, and the flag's arms."""
    requests = errors = 0.0
    for (name, labels), value in samples.items():
        if name != "scout_http_requests_total":
            continue
        label = dict(labels)
        if label.get("route") in routes:
            requests += value
            errors += value if label.get("code") == "5xx" else 0.0
    arm = {a: samples.get(("scout_feature_requests_total",
                           frozenset({("flag", flag), ("arm", a)})), 0.0) for a in ("on", "off")}
    return {"requests": requests, "errors": errors, "on": arm["on"], "off": arm["off"]}


def since(now, before):
    """Counter increase; a restarted instance (counter below the baseline) counts from zero."""
    return {k: now[k] - before.get(k, 0.0) if now[k] >= before.get(k, 0.0) else now[k]
            for k in now}


# ---- configuration files ---------------------------------------------------------------------

def write_atomically(path, data):
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".rollout-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        if os.path.exists(path):
            os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def with_percent(original, flag, percent):
    document = json.loads(original or b"{}")
    document.setdefault("features", {}).setdefault(flag, {})["rollout_percent"] = percent
    return (json.dumps(document, indent=2) + "\n").encode()


# ---- the rollout -----------------------------------------------------------------------------

def live_percent(instance, flag):
    value = flag_gauge(instance.metrics(), "scout_feature_flag_rollout_percent", flag)
    return None if value is None else int(value)


def wait_for_percent(instances, flag, percent, timeout_s):
    """Every instance reports `percent` (the reload was taken), or Breach naming the laggard."""
    deadline = time.monotonic() + timeout_s
    for instance in instances:
        while live_percent(instance, flag) != percent:
            if time.monotonic() > deadline:
                raise Breach(f"{instance.name} still does not serve rollout_percent={percent} "
                             f"{timeout_s:g} s after SIGHUP: reload refused (its log says why) or "
                             f"the file is overridden by --set or a SCOUT_ variable")
            time.sleep(0.1)


def prepare(instances, flag):
    """Reads each file and live value; refuses (Stop) when the rollout could not work."""
    for instance in instances:
        with open(instance.config, "rb") as f:
            instance.original = f.read()
        try:
            if not isinstance(json.loads(instance.original or b"{}"), dict):
                raise ValueError("not a JSON object")
        except ValueError as e:
            raise Stop(f"{instance.name}: {instance.config}: {e}") from None
        status, _ = instance.http("/health/detailed")
        if status != 200:
            raise Stop(f"{instance.name}: /health/detailed -> {status or 'no answer'} before "
                       f"the rollout; nothing changed")
        try:
            samples = instance.metrics()
        except Breach as e:
            raise Stop(str(e)) from None
        enabled = flag_gauge(samples, "scout_feature_flag_enabled", flag)
        percent = flag_gauge(samples, "scout_feature_flag_rollout_percent", flag)
        if enabled is None or percent is None:
            raise Stop(f"{instance.name}: /metrics has no scout_feature_flag_* for {flag}")
        if enabled != 1:
            raise Stop(f"{instance.name}: features.{flag}.enabled is not true there: a rollout "
                       f"would change nothing")
        instance.previous_percent = int(percent)
        say(f"{instance.name}: pid {instance.pid}, {instance.url}, {instance.config}, "
            f"rollout_percent now {instance.previous_percent}")


def apply_stage(instances, flag, percent, reload_timeout_s):
    for instance in instances:
        write_atomically(instance.config, with_percent(instance.original, flag, percent))
    for instance in instances:
        instance.reload()
    wait_for_percent(instances, flag, percent, reload_timeout_s)


def health_status(body):
    try:
        return json.loads(body).get("status", "?")
    except (ValueError, AttributeError):
        return "?"


def check(instances, flag, args, final):
    """One look at every instance: health, then the 5xx ratio since the stage began (judged
    mid-stage once --min-requests answers are in, at the stage's end whatever the count)."""
    for instance in instances:
        status, body = instance.http("/health/detailed")
        if status != 200:
            raise Breach(f"{instance.name}: /health/detailed -> {status or 'no answer'} "
                         f"{body[:200]}")
        seen = since(counters(instance.metrics(), flag, args.routes), instance.baseline)
        ratio = seen["errors"] / seen["requests"] if seen["requests"] else 0.0
        if final:
            arms = seen["on"] + seen["off"]
            share = f"{100 * seen['on'] / arms:.0f} % on" if arms else "no decision"
            say(f"  {instance.name}: {health_status(body)}, "
                f"{seen['requests']:.0f} requests, {seen['errors']:.0f} 5xx ({ratio:.1%}), "
                f"arm {share}")
        if ratio > args.max_error_ratio and (final or seen["requests"] >= args.min_requests):
            raise Breach(f"{instance.name}: error ratio {ratio:.1%} ({seen['errors']:.0f} 5xx of "
                         f"{seen['requests']:.0f} requests) above --max-error-ratio "
                         f"{args.max_error_ratio:.1%}")


def soak(instances, flag, args):
    for instance in instances:
        instance.baseline = counters(instance.metrics(), flag, args.routes)
    end = time.monotonic() + args.soak_s
    while time.monotonic() + args.check_every_s < end:
        time.sleep(args.check_every_s)
        check(instances, flag, args, final=False)
    time.sleep(max(0.0, end - time.monotonic()))
    check(instances, flag, args, final=True)


def roll_back(instances, flag, reload_timeout_s):
    """Restores every file and reloads; True when every instance serves its previous value."""
    complete = True
    for instance in instances:
        try:
            write_atomically(instance.config, instance.original)
            instance.reload()
        except (OSError, Breach) as e:
            say(f"ROLLBACK: {instance.name}: {e}")
            complete = False
    for instance in instances:
        try:
            wait_for_percent([instance], flag, instance.previous_percent, reload_timeout_s)
        except Breach as e:
            say(f"ROLLBACK: {e}")
            complete = False
    return complete


def run(args):
    instances = read_inventory(args.inventory)
    prepare(instances, args.flag)

    def interrupted(signum, _frame):
        raise Breach(f"interrupted by signal {signum}")
    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)
    try:
        for percent in args.stages:
            say(f"stage {percent} %: features.{args.flag}.rollout_percent={percent} on "
                f"{len(instances)} instances, soak {args.soak_s:g} s")
            apply_stage(instances, args.flag, percent, args.reload_timeout_s)
            soak(instances, args.flag, args)
        say(f"done: features.{args.flag}.rollout_percent={args.stages[-1]} on every instance")
        return EXIT_OK
    except (Breach, OSError) as breach:  # OSError: a configuration file could not be written
        say(f"BREACH: {breach}")
        say(f"rolling back features.{args.flag} to the configuration before the run")
        if roll_back(instances, args.flag, args.reload_timeout_s):
            say("rolled back: every instance serves its previous rollout_percent again")
            return EXIT_ROLLED_BACK
        say("ROLLBACK INCOMPLETE: fix the instances named above by hand")
        return EXIT_ROLLBACK_INCOMPLETE


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Staged rollout of a feature flag across Scout instances (deploy/rollout.md)")
    parser.add_argument("--flag", required=True, choices=FLAGS)
    parser.add_argument("--stages", default="10,50,100",
                        help="rollout percentages in order (default 10,50,100)")
    parser.add_argument("--soak-s", type=float, default=300.0,
                        help="seconds each stage runs before the next (default 300)")
    parser.add_argument("--check-every-s", type=float, default=10.0,
                        help="seconds between health and error checks during a soak (default 10)")
    parser.add_argument("--max-error-ratio", type=float, default=0.05,
                        help="largest 5xx share of one instance's client requests in a stage "
                             "(default 0.05, the ScoutHighErrorRate alert)")
    parser.add_argument("--min-requests", type=int, default=20,
                        help="answers an instance needs in a stage before a check mid-stage "
                             "judges its error ratio (default 20; the stage's end always does)")
    parser.add_argument("--routes", default="search,smart_search",
                        help="routes whose answers count for the error ratio")
    parser.add_argument("--reload-timeout-s", type=float, default=15.0,
                        help="longest wait for an instance to show a new value (default 15)")
    parser.add_argument("--inventory",
                        help="file of 'name pid url config-file token-file' lines "
                             "(default: deploy/local/cluster.sh instances)")
    args = parser.parse_args(argv)
    try:
        args.stages = [int(s) for s in args.stages.split(",")]
    except ValueError:
        parser.error("--stages: comma-separated integers")
    if not all(0 <= s <= 100 for s in args.stages):
        parser.error("--stages: each between 0 and 100")
    if args.soak_s < 0 or args.check_every_s <= 0 or not 0 <= args.max_error_ratio <= 1:
        parser.error("--soak-s >= 0, --check-every-s > 0, 0 <= --max-error-ratio <= 1")
    args.routes = set(args.routes.split(","))
    return args


def main(argv):
    args = parse_args(argv)  # exits 2 on bad arguments
    try:
        return run(args)
    except (Stop, Breach, OSError, subprocess.SubprocessError, ValueError) as e:
        say(f"nothing changed: {e}")
        return EXIT_NOTHING_DONE


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
