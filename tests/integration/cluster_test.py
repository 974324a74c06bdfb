"""Process-level test of deploy/local/cluster.sh: three Scout instances behind nginx, one
redis-server, one scout-sim, all real, on 127.0.0.1.

Checks that the three behave as one:
  1. a miss served by one instance is a hit on the others, and the same new search sent to
     the three at once is fetched once (one upstream call per key, read from scout-sim's
     /__sim/stats); a cursor from one instance works on another;
  1b. the outbound quota (upstream.quota.*, one bucket in Redis) holds for the three together:
     distinct misses sent to all three at once reach scout-sim no faster than one quota allows;
  2. a rolling restart (cluster.sh restart 1, 2, 3: SIGTERM, wait, start) under a steady load
     through nginx loses no request;
  3. one instance killed with SIGKILL under load: nginx routes around it and fewer than 1 % of
     the run's requests fail.
Outcomes are asserted, never latencies. Standard library only: /usr/bin/python3.
Environment: CLUSTER_SCOUT_BIN, CLUSTER_SIM_BIN (the binaries to run).
"""

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "bench", "chaos"))
from stack import HOT_WORDS, fetch, hot_path, open_loop, search_path, wait_until  # noqa: E402

CLUSTER_SH = os.path.join(ROOT, "deploy", "local", "cluster.sh")
RATE = 20  # requests/s through nginx: steady, light on a shared 2-core machine


class Cluster:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="scout-cluster-test-")
        self.env = dict(os.environ, CLUSTER_DIR=self.dir)
        self.proc = None
        self.ports = {}

    def start(self):
        self.proc = subprocess.Popen(["bash", CLUSTER_SH], env=self.env,
                                     stdout=open(os.path.join(self.dir, "cluster.out"), "w"),
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        out = os.path.join(self.dir, "cluster.out")

        def up():
            if self.proc.poll() is not None:
                raise RuntimeError("cluster.sh exited:\n" + open(out).read())
            return "cluster.sh: up" in open(out).read()
        wait_until(up, 240, "cluster.sh up")
        for line in open(os.path.join(self.dir, "cluster.env")):
            name, _, value = line.strip().partition("=")
            self.ports[name] = int(value)
        return self

    def run(self, *args):
        subprocess.run(["bash", CLUSTER_SH, *args], env=self.env, check=True, timeout=120,
                       stdout=subprocess.DEVNULL)

    def pid(self, name):
        with open(os.path.join(self.dir, "pids", name)) as f:
            return int(f.read())

    def instance(self, i):
        return self.ports[f"INSTANCE_PORT_{i}"]

    @property
    def lb(self):
        return self.ports["LB_PORT"]

    def sim_stats(self):
        url = f"http://127.0.0.1:{self.ports['SIM_PORT']}/__sim/stats"
        with urllib.request.urlopen(url, timeout=5) as r:
            return json.loads(r.read())

    def requests_upstream(self):
        return self.sim_stats()["requests_total"]

    def metrics(self, i):
        """Instance i's Prometheus text (the admin token cluster.sh made)."""
        with open(os.path.join(self.dir, "admin.token")) as f:
            token = f.read().strip()
        request = urllib.request.Request(f"http://127.0.0.1:{self.instance(i)}/metrics",
                                         headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=10) as r:
            return r.read().decode()

    def queries(self):
        return self.sim_stats()["calls"].get("aliexpress.affiliate.product.query", 0)

    def recorded_pids(self):
        folder = os.path.join(self.dir, "pids")
        names = os.listdir(folder) if os.path.isdir(folder) else []
        return {name: self.pid(name) for name in names}

    def stop(self):
        """Stops the cluster the way a user does; returns what is still running, by name."""
        started = self.recorded_pids()
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()  # its EXIT trap stops everything it started, by PID
            try:
                self.proc.wait(90)
            except subprocess.TimeoutExpired:
                self.run("stop")

        def gone(pid):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return True
            try:
                with open(f"/proc/{pid}/stat") as f:  # a zombie not reaped yet is gone too
                    return f.read().rsplit(")", 1)[1].split()[0] == "Z"
            except FileNotFoundError:
                return True
        try:
            wait_until(lambda: all(gone(p) for p in started.values()), 10, "the cluster to stop")
        except RuntimeError:
            pass
        running = [name for name, pid in started.items() if not gone(pid)]
        if not os.environ.get("CLUSTER_KEEP"):  # CLUSTER_KEEP=1 keeps the logs
            shutil.rmtree(self.dir, ignore_errors=True)
        return running


def get(port, path):
    status, headers, error = asyncio.run(fetch(port, path, {}, 30))
    assert status == 200, f"GET :{port}{path} -> {status} {error}"
    return headers


def get_json(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as r:
        return json.loads(r.read())


def check_shared_cache(cluster):
    for n, word in enumerate(["lamp", "tent", "drill"]):
        path = search_path(f"{word} shared")
        first = 1 + n % 3
        before = cluster.queries()
        assert get(cluster.instance(first), path).get("x-cache") == "MISS"
        for other in (i for i in (1, 2, 3) if i != first):
            headers = get(cluster.instance(other), path)
            assert headers.get("x-cache") == "HIT", f"instance {other}: {headers}"
        for _ in range(3):
            get(cluster.lb, path)
        calls = cluster.queries() - before
        assert calls == 1, f"'{word}': {calls} upstream calls across the cluster, expected 1"
    # The same new search on the three at once: one fetches, the others wait for its value
    # (the single-flight lock in Redis), so still one upstream call per key.
    for word in ("watch together", "bag together"):
        before = cluster.queries()
        path = search_path(word)

        async def together():
            return await asyncio.gather(*(fetch(cluster.instance(i), path, {}, 30)
                                          for i in (1, 2, 3)))
        statuses = [status for status, _, _ in asyncio.run(together())]
        assert statuses == [200, 200, 200], f"'{word}' at once: {statuses}"
        calls = cluster.queries() - before
        assert calls == 1, f"'{word}' at once on three: {calls} upstream calls, expected 1"
    # A cursor signed by one instance is accepted by another (shared search.cursor_secret).
    first_page = "/search?q=mug&page_size=5"
    page = get_json(cluster.instance(1), first_page)
    cursor = page["page"]["next_cursor"]
    assert cursor, "no next_cursor on the first page"
    second = get_json(cluster.instance(3), first_page + "&cursor=" + cursor)
    assert second["page"]["size"] == page["page"]["size"]
    print("shared cache: one upstream call per key across three instances; cursors shared")


def metric(text, sample):
    """The value of one sample line (`name{labels}`) in Prometheus text; 0 when absent."""
    for line in text.splitlines():
        if line.startswith(sample + " "):
            return float(line.split()[-1])
    return 0.0


def quota_rejected(text):
    return sum(float(line.split()[-1]) for line in text.splitlines()
               if line.startswith("scout_upstream_quota_rejected_total{"))


def quota_settings(cluster):
    """upstream.quota.* as the instances load them (no --set of cluster.sh touches them)."""
    out = subprocess.run([os.environ["CLUSTER_SCOUT_BIN"], "--env", "development", "--config-dir",
                          os.path.join(cluster.dir, "scout-1"), "--print-config"],
                         check=True, timeout=60, capture_output=True, text=True).stdout
    return json.loads(out)["upstream"]["quota"]


def check_shared_quota(cluster):
    quota = quota_settings(cluster)
    rate, burst = quota["rate_per_s"], quota["burst"]
    rejected_before = sum(quota_rejected(cluster.metrics(i)) for i in (1, 2, 3))
    # Distinct misses, a third to each instance, all at once: far more than one quota allows
    # in the run, so each instance alone (its own bucket) would let through up to 3 times more.
    paths = [search_path(f"quota {HOT_WORDS[n % len(HOT_WORDS)]} {n}") for n in range(90)]
    before = cluster.requests_upstream()
    started = time.monotonic()

    async def all_at_once():
        return await asyncio.gather(*(fetch(cluster.instance(1 + n % 3), path, {}, 30)
                                      for n, path in enumerate(paths)))
    statuses = [status for status, _, _ in asyncio.run(all_at_once())]
    seconds = time.monotonic() - started
    calls = cluster.requests_upstream() - before
    texts = [cluster.metrics(i) for i in (1, 2, 3)]
    rejected = sum(quota_rejected(t) for t in texts) - rejected_before
    allowed = burst + rate * seconds
    kinds = {s: statuses.count(s) for s in set(statuses)}
    print(f"shared quota: {calls} upstream calls in {seconds:.1f} s from {len(paths)} misses "
          f"on three instances (one quota allows {allowed:.0f}: burst {burst} + {rate:g}/s); "
          f"answers {kinds}, {rejected:.0f} refused by the quota")
    for i, text in zip((1, 2, 3), texts):
        # Local mode (Redis slow or gone) would be each instance's share: not what is tested.
        assert metric(text, 'scout_upstream_quota_mode{mode="redis"}') == 1, \
            f"instance {i} did not pace through Redis (fell back to its local share)"
    assert calls > 0 and 200 in kinds, "no miss was served"
    assert rejected > 0, "the quota never refused a call: the run did not test its bound"
    # Margin: one more burst (calls already granted when the window opened or closed).
    assert calls <= allowed + burst, \
        f"{calls} upstream calls, one shared quota allows {allowed:.0f}"


def steady_load(port, running, min_s, max_s):
    """RATE requests/s of the warmed hot words, each on its own connection, while running() or
    for at least min_s, at most max_s. Hits only: what is measured is the cluster's routing,
    not the simulator's capacity on a loaded machine (misses time out there under ASan)."""
    def pick(i):
        return "search", hot_path(i), {}
    return asyncio.run(open_loop(port, RATE, max_s, pick, timeout_s=30,
                                 done=lambda elapsed: elapsed >= min_s and not running()))


def failures(results):
    return [r for r in results if not r.ok]


def describe(results):
    bad = failures(results)
    kinds = {}
    for r in bad:
        key = r.error or str(r.status)
        kinds[key] = kinds.get(key, 0) + 1
    return f"{len(results)} requests, {len(bad)} failed {kinds}"


def in_background(work):
    errors = []

    def body():
        try:
            work()
        except Exception as e:  # reported by the main thread
            errors.append(e)
    thread = threading.Thread(target=body)
    thread.start()
    return thread, errors


def warm_hot_words(cluster):
    """Puts every hot word in Redis (retrying a miss the loaded simulator did not answer)."""
    for i in range(len(HOT_WORDS)):
        for _ in range(5):
            status, _, _ = asyncio.run(fetch(cluster.lb, hot_path(i), {}, 30))
            if status == 200:
                break
            time.sleep(1)
        else:
            raise RuntimeError(f"could not warm {hot_path(i)}")


def check_rolling_restart(cluster):
    pids_before = [cluster.pid(f"scout-{i}") for i in (1, 2, 3)]

    def restart_all():
        time.sleep(3)  # some load on all three first
        for i in (1, 2, 3):
            cluster.run("restart", str(i))
    thread, errors = in_background(restart_all)
    results = steady_load(cluster.lb, thread.is_alive, 10, 240)
    thread.join()
    assert not errors, f"restart failed: {errors}"
    assert not thread.is_alive()
    pids_after = [cluster.pid(f"scout-{i}") for i in (1, 2, 3)]
    assert all(a != b for a, b in zip(pids_before, pids_after)), "an instance was not restarted"
    print("rolling restart:", describe(results))
    assert len(results) >= 10 * RATE
    assert not failures(results), "rolling restart lost requests: " + describe(results)


def check_sigkill(cluster):
    victim = cluster.pid("scout-2")
    killed = []

    def kill_one():
        time.sleep(5)
        os.kill(victim, signal.SIGKILL)
        killed.append(True)
    thread, errors = in_background(kill_one)
    results = steady_load(cluster.lb, lambda: True, 25, 25)
    thread.join()
    assert killed and not errors
    print("SIGKILL of one instance:", describe(results))
    assert len(results) >= 20 * RATE
    assert len(failures(results)) * 100 < len(results), "1 % or more failed: " + describe(results)
    cluster.run("restart", "2")  # back to three before stopping


def run_checks(name, checks):
    """Starts cluster.sh, runs each check(cluster) in order, stops it and asserts that nothing
    it started still runs."""
    for var in ("CLUSTER_SCOUT_BIN", "CLUSTER_SIM_BIN"):
        if not os.environ.get(var):
            sys.exit(f"{var} is not set")
    cluster = Cluster()
    try:
        cluster.start()
        for check in checks:
            check(cluster)
    finally:
        running = cluster.stop()
    assert not running, f"still running after cluster.sh stopped: {running}"
    print(f"{name}: passed")


def main():
    run_checks("cluster test", [check_shared_cache, check_shared_quota, warm_hot_words,
                                check_rolling_restart, check_sigkill])


if __name__ == "__main__":
    main()
