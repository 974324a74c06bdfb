#!/usr/bin/python3
"""Hostile-input corpus: real scout (and scout-sim as its upstream) on 127.0.0.1 take the
requests of cases.py over raw sockets, slowloris headers and bodies, and 5,000 idle
connections, while a well-behaved client searches. Passes when every request got a 4xx with a
JSON error body or a close (a legitimate request hidden in a mutation may get its 2xx), no
answer was a 5xx, scout is still running, its RSS (less what its bounded caches took on) and
open fds are flat afterwards, and the
good client was answered every time. Prints a table; exit status 0 on success.

usage: hostile.py --scout BIN --sim BIN [--workers N] [--json FILE]
"""

import argparse
import json
import os
import re
import resource
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cases  # noqa: E402

SIM_KEY, SIM_SECRET = "100001", "sim-test-secret"
HEADER_TIMEOUT_MS = BODY_TIMEOUT_MS = 2000
MAX_CONNECTIONS = 4096  # below the 5,000 idle connections: back-pressure is exercised too
IDLE_CONNECTIONS = 5000
SLOW_CLIENTS = 40
READ_TIMEOUT_S = 10.0  # per case; the server's own timeouts are 2 s
RSS_SLACK_KB = 5 * 1024
ADMIN_TOKEN = "hostile-admin-token"
FD_SLACK = 10
GOOD_P99_BOUND_MS = 2000.0  # generous: the machine is shared and scout runs under ASan


# ---- processes ---------------------------------------------------------------------------

def start_sim(sim_bin, workdir):
    out = open(os.path.join(workdir, "sim.out"), "w+")
    proc = subprocess.Popen(
        [sim_bin, "--listen", "127.0.0.1:0", "--app-key", SIM_KEY, "--app-secret", SIM_SECRET,
         "--catalog-size", "2000", "--log-level", "warn"],
        stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        out.seek(0)
        match = re.search(r"scout-sim listening on 127\.0\.0\.1:(\d+)", out.read())
        if match:
            return proc, int(match.group(1))
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError("scout-sim did not start")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_scout(scout_bin, sim_port, workdir):
    config = os.path.join(workdir, "config")
    os.makedirs(config)
    for name in ("default.json", "development.json"):
        with open(os.path.join(config, name), "w") as f:
            f.write("{}")
    port = free_port()
    settings = {
        "server.listen": "127.0.0.1:%d" % port,
        "server.threads": "2",
        "server.header_timeout_ms": str(HEADER_TIMEOUT_MS),
        "server.body_timeout_ms": str(BODY_TIMEOUT_MS),
        "server.max_connections": str(MAX_CONNECTIONS),
        "redis.url": "",
        "log.file": os.path.join(workdir, "scout.log"),
        "log.level": "warn",
        # A small L1: new searches hidden in mutated requests fill it during the warm-up, so
        # the RSS comparison measures leaks, not a cache still filling up.
        "cache.memory.max_bytes": str(1 << 20),
        # To read how much the bounded caches hold (see cached_kb).
        "admin.token": ADMIN_TOKEN,
        "upstream.gateway_url": "http://127.0.0.1:%d/sync" % sim_port,
        "upstream.app_key": SIM_KEY,
        "upstream.app_secret": SIM_SECRET,
        "upstream.tracking_id": "scout_test",
    }
    args = [scout_bin, "--env", "development", "--config-dir", config]
    for path, value in settings.items():
        args += ["--set", "%s=%s" % (path, value)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCOUT_")}
    # ASan keeps freed memory in quarantine (256 MB by default), which would hide a flat RSS.
    env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=1:thread_local_quarantine_size_kb=64"
    err = open(os.path.join(workdir, "scout.err"), "w")
    proc = subprocess.Popen(args, stdout=err, stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            responses = request_once(port, cases.GOOD)[0]
            if responses and responses[0][0] == 200:
                return proc, port
        except OSError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("scout did not become ready")


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def open_fds(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def cached_kb(port):
    """What the bounded caches hold (L1 and the affiliate-link cache, from /metrics): memory
    that grows as new searches and product links arrive, up to their bounds, and is not a
    leak."""
    req = urllib.request.Request("http://127.0.0.1:%d/metrics" % port,
                                 headers={"Authorization": "Bearer " + ADMIN_TOKEN})
    text = urllib.request.urlopen(req, timeout=10).read().decode()
    total = 0.0
    for name in ("scout_cache_bytes", "scout_affiliate_link_cache_bytes"):
        for match in re.finditer(r"^%s(?:\{[^}]*\})? (\S+)$" % name, text, re.M):
            total += float(match.group(1))
    return int(total / 1024)


# ---- raw HTTP ----------------------------------------------------------------------------

def connect(port, timeout=READ_TIMEOUT_S):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    return s


def reset_close(s):
    # RST instead of FIN: 10,000+ client-closed sockets would otherwise sit in TIME_WAIT.
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    s.close()


def parse_responses(data):
    """Complete responses in `data` as (status, headers, body); stops at the first partial one."""
    out = []
    while data:
        head_end = data.find(b"\r\n\r\n")
        if head_end < 0:
            break
        lines = data[:head_end].split(b"\r\n")
        match = re.match(rb"HTTP/1\.[01] (\d{3})", lines[0])
        if not match:
            out.append((-1, {}, data))  # not HTTP: counted as a failure
            break
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get(b"content-length", b"0"))
        end = head_end + 4 + length
        if len(data) < end:
            break
        out.append((int(match.group(1)), headers, data[head_end + 4:end]))
        data = data[end:]
    return out


def request_once(port, payload):
    """Sends `payload`, half-closes, reads until the server closes. -> (responses, closed)."""
    s = connect(port)
    data = b""
    closed = True
    try:
        try:
            s.sendall(payload)
            s.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the server may close before reading everything: that is a close
        while True:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                closed = False
                break
            except OSError:
                break  # reset: a close
            if not chunk:
                break
            data += chunk
    finally:
        reset_close(s)
    return parse_responses(data), closed


def is_json_error(headers, body):
    if not headers.get(b"content-type", b"").startswith(b"application/json"):
        return False
    try:
        error = json.loads(body.decode("utf-8"))["error"]
    except (ValueError, KeyError, TypeError):
        return False
    return all(isinstance(error.get(k), str) for k in ("code", "message", "request_id"))


def judge(expect, responses, closed):
    """'' when the outcome is acceptable, else what was wrong."""
    if not closed:
        return "no close within %.0f s" % READ_TIMEOUT_S
    if expect == cases.FIRST_OK_THEN_REJECT:
        if not responses or responses[0][0] != 200:
            return "the good request before the garbage was not answered 200"
        responses = responses[1:]
    for status, headers, body in responses:
        if status < 0:
            return "not an HTTP response"
        if status >= 500 and not (expect == cases.UPSTREAM and status == 502):
            return "status %d" % status
        if 400 <= status < 500 and not is_json_error(headers, body):
            return "%d without a JSON error body" % status
        if expect not in (cases.ANY, cases.UPSTREAM) and status < 400:
            return "status %d for a request that should be refused" % status
    return ""


# ---- the well-behaved client -------------------------------------------------------------

class GoodClient(threading.Thread):
    """Searches a cached query on one keep-alive connection every 20 ms, timing each answer."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.port = port
        self.latencies_ms = []
        self.failures = 0
        self.phase = "before"
        self.by_phase = defaultdict(list)
        self.stopping = threading.Event()

    def ask(self, s, request):
        s.sendall(request)
        data = b""
        while not parse_responses(data):
            chunk = s.recv(65536)
            if not chunk:
                raise OSError("closed")
            data += chunk
        return parse_responses(data)[0][0] == 200

    def run(self):
        request = cases.get("/search?" + cases.VALID_QUERIES[0])
        s = None
        while not self.stopping.is_set():
            start = time.monotonic()
            ok = False
            # A kept-alive connection may be closed while idle (the connection cap closes idle
            # ones first): like any HTTP client, retry once on a fresh connection.
            for _ in range(2):
                try:
                    if s is None:
                        s = connect(self.port, timeout=5)
                    ok = self.ask(s, request)
                    break
                except OSError:
                    if s is not None:
                        reset_close(s)
                    s = None
            elapsed = (time.monotonic() - start) * 1000
            if ok:
                self.by_phase[self.phase].append(elapsed)
            else:
                self.failures += 1
            self.stopping.wait(0.02)
        if s is not None:
            reset_close(s)


def percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


# ---- slow and idle clients ---------------------------------------------------------------

def slowloris(port, body):
    """Sends a request a byte a second; the server must close within its timeout."""
    if body:
        head = cases.post_search(b"", b"Content-Length: 100000\r\n")
    else:
        head = b"GET /health HTTP/1.1\r\n" + cases.HOST + b"X-Slow: "
    s = connect(port, timeout=1)
    start = time.monotonic()
    limit = (BODY_TIMEOUT_MS if body else HEADER_TIMEOUT_MS) / 1000 + HEADER_TIMEOUT_MS / 1000 + 10
    try:
        if body:
            s.sendall(head)
        else:
            s.sendall(head[:1])
            head = head[1:]
        while time.monotonic() - start < limit:
            try:
                data = s.recv(65536)
                responses = parse_responses(data)
                if not data or all(400 <= r[0] < 500 and is_json_error(r[1], r[2]) for r in responses):
                    return ""  # closed (or a 408 and a close)
                return "unexpected answer %r" % data[:80]
            except socket.timeout:
                pass
            except OSError:
                return ""
            try:
                s.sendall(head[:1] if head else b"a")
                head = head[1:]
            except OSError:
                return ""
        return "still open after %.0f s" % limit
    finally:
        reset_close(s)


def idle_connections(port, count):
    """Opens `count` connections that send nothing, holds them, then checks scout still answers."""
    sockets = []
    refused = 0
    for _ in range(count):
        try:
            sockets.append(connect(port, timeout=5))
        except OSError:
            refused += 1
    time.sleep(2)
    status = request_once(port, cases.GOOD)[0]
    answered = bool(status) and status[0][0] == 200
    for s in sockets:
        reset_close(s)
    return len(sockets), refused, answered


# ---- the run -----------------------------------------------------------------------------

def run_corpus(port, corpus, workers):
    failures = []
    outcomes = defaultdict(Counter)

    def one(item):
        name, expect, data = item
        try:
            responses, closed = request_once(port, data)
        except OSError as e:
            return name, "connect failed: %s" % e, "error", data
        problem = judge(expect, responses, closed)
        kind = ("%dxx" % (responses[-1][0] // 100)) if responses else "close"
        return name, problem, kind, data

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for name, problem, kind, data in pool.map(one, corpus):
            outcomes[name][kind] += 1
            if problem:
                failures.append((name, problem, data[:120]))
    return outcomes, failures


def settle(pid, port, seconds=3.0):
    time.sleep(seconds)
    return rss_kb(pid), open_fds(pid), cached_kb(port)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scout", required=True)
    parser.add_argument("--sim", required=True)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--json", help="write the measurements here")
    parser.add_argument("--every", type=int, default=1, help="send every Nth case only (quick runs)")
    args = parser.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = IDLE_CONNECTIONS + 1024
    if hard != resource.RLIM_INFINITY and hard < wanted:
        print("hostile: the hard open-file limit (%d) is below %d" % (hard, wanted))
        return 1
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, wanted), hard))

    workdir = tempfile.mkdtemp(prefix="scout-hostile-")
    sim, sim_port = start_sim(args.sim, workdir)
    scout = None
    try:
        scout, port = start_scout(args.scout, sim_port, workdir)
        return exercise(scout, port, args)
    finally:
        code = stop(scout) if scout else None
        stop(sim)
        if code not in (0, None):
            print("hostile: scout exited with status %s; its stderr:" % code)
            with open(os.path.join(workdir, "scout.err")) as f:
                print(f.read()[-4000:])


def exercise(scout, port, args):
    pid = scout.pid
    corpus = cases.corpus(port)[::args.every]
    started = time.monotonic()

    # Warm-up: the whole corpus once and two rounds of idle connections, so that allocator
    # pools and caches reach their working size before the baseline. Measured on the release
    # build, five measured passes in one process: RSS rose 10-12 MB in the first pass and
    # 0.2-1.8 MB in each later one, while the bytes malloc had in use stayed flat (+0.34 MB a
    # pass: the metrics history, a ring capped at 61 snapshots of 70 kB). The jump was the
    # second round of ~4,096 idle connections touching memory glibc had kept from the first;
    # malloc_trim(0) afterwards gave back 28-30 MB. Not a leak (heaptrack: nothing of Scout's
    # live at exit); two rounds here move it before the baseline.
    run_corpus(port, corpus, args.workers)
    idle_connections(port, IDLE_CONNECTIONS)
    idle_connections(port, IDLE_CONNECTIONS)
    rss_before, fds_before, cached_before = settle(pid, port)

    good = GoodClient(port)
    good.start()
    time.sleep(2)
    good.phase = "during"
    outcomes, failures = run_corpus(port, corpus, args.workers)
    with ThreadPoolExecutor(max_workers=2 * SLOW_CLIENTS) as pool:
        slow = list(pool.map(lambda i: slowloris(port, body=i % 2 == 1), range(2 * SLOW_CLIENTS)))
    idle_open, idle_refused, idle_answered = idle_connections(port, IDLE_CONNECTIONS)
    good.phase = "after"
    time.sleep(2)
    good.stopping.set()
    good.join()
    rss_after, fds_after, cached_after = settle(pid, port)
    alive = scout.poll() is None

    report = {
        "requests": len(corpus),
        "slow_clients": len(slow),
        "idle_connections": idle_open,
        "idle_refused": idle_refused,
        "outcomes": {name: dict(counts) for name, counts in outcomes.items()},
        "failures": len(failures),
        "slow_failures": [s for s in slow if s],
        "idle_answered": idle_answered,
        "rss_kb": [rss_before, rss_after],
        "cached_kb": [cached_before, cached_after],
        "fds": [fds_before, fds_after],
        "good_client": {
            phase: {"n": len(v), "p50_ms": percentile(v, 50), "p99_ms": percentile(v, 99)}
            for phase, v in good.by_phase.items()},
        "good_client_failures": good.failures,
        "scout_alive": alive,
        "seconds": round(time.monotonic() - started, 1),
    }
    print_report(report, failures)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=2)

    problems = []
    if not alive:
        problems.append("scout died")
    if failures:
        problems.append("%d requests got a wrong answer" % len(failures))
    if report["slow_failures"]:
        problems.append("slow clients: %s" % report["slow_failures"][:3])
    if not idle_answered:
        problems.append("no answer while %d connections were idle" % IDLE_CONNECTIONS)
    # Growth beyond what the bounded caches took on is what a leak would show.
    unexplained = (rss_after - rss_before) - (cached_after - cached_before)
    if unexplained > RSS_SLACK_KB:
        problems.append("RSS grew by %d kB, %d kB of it not held by the caches" % (
            rss_after - rss_before, unexplained))
    if fds_after - fds_before > FD_SLACK:
        problems.append("open fds grew by %d" % (fds_after - fds_before))
    if good.failures:
        problems.append("the good client failed %d times" % good.failures)
    during = report["good_client"].get("during", {})
    if not during.get("n") or during["p99_ms"] > GOOD_P99_BOUND_MS:
        problems.append("the good client's p99 during the run: %s" % during)
    for p in problems:
        print("FAIL:", p)
    return 1 if problems else 0


def print_report(report, failures):
    print("%-46s %6s  %s" % ("category", "sent", "outcomes (last answer per connection)"))
    for name, counts in report["outcomes"].items():
        print("%-46s %6d  %s" % (name, sum(counts.values()), ", ".join(
            "%s %d" % kv for kv in sorted(counts.items()))))
    print("requests %d, wrong answers %d, slow clients %d (%d not closed in time), idle %d "
          "(%d refused, scout answered meanwhile: %s)" % (
              report["requests"], report["failures"], report["slow_clients"],
              len(report["slow_failures"]), report["idle_connections"], report["idle_refused"],
              report["idle_answered"]))
    print("scout RSS %d -> %d kB (caches %d -> %d kB), open fds %d -> %d" % (
        *report["rss_kb"], *report["cached_kb"], *report["fds"]))
    for phase, stats in report["good_client"].items():
        print("good client %-6s n=%d p50 %.1f ms p99 %.1f ms" % (
            phase, stats["n"], stats["p50_ms"], stats["p99_ms"]))
    print("good client failures %d; %.1f s" % (report["good_client_failures"], report["seconds"]))
    examples = {}
    for name, problem, data in failures:
        examples.setdefault((name, problem), [0, data])[0] += 1
    for (name, problem), (count, data) in examples.items():
        print("  wrong x%d: [%s] %s, e.g. %r" % (count, name, problem, data))


if __name__ == "__main__":
    sys.exit(main())
