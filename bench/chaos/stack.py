"""Processes and traffic shared by the chaos suite and the soak (bench/chaos/).

Starts scout-sim, redis-server and Scout on 127.0.0.1 (free ports, stopped by PID), and
drives an open-loop load: requests leave on a fixed schedule whatever the answers do, each
on its own connection (Connection: close), and every answer is recorded (status, latency
from the scheduled send time, X-Cache, X-Cache-L2, Retry-After, or the socket error).
Standard library only, run with Debian's /usr/bin/python3.
"""

import asyncio
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field

APP_KEY = "100001"
APP_SECRET = "chaos-secret"
ADMIN_TOKEN = "chaos-admin-token"
HOT_WORDS = ["usb", "phone", "watch", "cable", "lamp", "shoes", "bag", "mouse", "keyboard",
             "charger", "camera", "drill", "tent", "mug", "dress", "ring", "toy", "pillow",
             "speaker", "router"]


_handed_out = set()


def free_port():
    """A port free now, below the kernel's ephemeral range where it can be (so that no
    client's outgoing connection takes it before the process meant for it binds it), never
    the same one twice in a run."""
    low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
    candidates = random.sample(range(10000, low), min(200, low - 10000)) if low > 10100 else []
    for port in candidates + [0] * 20:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            got = s.getsockname()[1]
        if got not in _handed_out:
            _handed_out.add(got)
            return got
    raise RuntimeError("no free port on 127.0.0.1")


def wait_until(predicate, timeout_s, what):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise RuntimeError(f"timed out waiting for {what}")


def http_ok(url, headers=None):
    try:
        req = urllib.request.Request(url, headers=headers or {})
        with urllib.request.urlopen(req, timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def open_fds(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return 0


class Proc:
    """A child process with its output in a file; stopped by its own PID only."""

    def __init__(self, name, args, workdir, env=None):
        self.name, self.args = name, args
        self.log_path = os.path.join(workdir, f"{name}.log")
        self.env = env
        self.popen = None

    def start(self):
        log = open(self.log_path, "ab")
        self.popen = subprocess.Popen(self.args, stdout=log, stderr=subprocess.STDOUT,
                                      stdin=subprocess.DEVNULL, env=self.env)
        log.close()
        return self

    @property
    def pid(self):
        return self.popen.pid

    def alive(self):
        return self.popen is not None and self.popen.poll() is None

    def signal(self, sig):
        if self.alive():
            os.kill(self.popen.pid, sig)

    def stop(self, timeout_s=15):
        if not self.alive():
            return
        self.signal(signal.SIGCONT)  # a frozen process cannot handle SIGTERM
        self.signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.signal(signal.SIGKILL)
            self.popen.wait(5)

    def log_tail(self, lines=20):
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return ""


@dataclass
class StackOptions:
    scout_bin: str
    sim_bin: str
    redis: bool = True
    sim_latency_ms: int = 50
    settings: dict = field(default_factory=dict)  # extra --set path=value for Scout
    scout_env: dict = field(default_factory=dict)


class Stack:
    """scout-sim + redis-server + Scout on loopback, each restartable on its own port."""

    def __init__(self, opts):
        self.opts = opts
        self.workdir = tempfile.mkdtemp(prefix="scout-chaos-")
        self.sim_port, self.redis_port, self.scout_port = free_port(), free_port(), free_port()
        self.sim = self.redis = self.scout = None

    # scout-sim ----------------------------------------------------------------------------
    def start_sim(self):
        self.sim = Proc("sim", [self.opts.sim_bin, "--listen", f"127.0.0.1:{self.sim_port}",
                                "--app-key", APP_KEY, "--app-secret", APP_SECRET,
                                "--latency-ms", str(self.opts.sim_latency_ms),
                                "--catalog-size", "5000",  # restarts in well under a second
                                "--log-level", "warn"], self.workdir).start()
        wait_until(lambda: http_ok(f"http://127.0.0.1:{self.sim_port}/__sim/faults"), 60,
                   "scout-sim")

    def sim_control(self, method, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(f"http://127.0.0.1:{self.sim_port}/__sim/faults",
                                     data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=5) as r:
            return json.loads(r.read())

    # redis-server -------------------------------------------------------------------------
    def start_redis(self):
        self.redis = Proc("redis", ["redis-server", "--port", str(self.redis_port),
                                    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                                    "--loglevel", "warning"], self.workdir).start()

        def pong():
            try:
                with socket.create_connection(("127.0.0.1", self.redis_port), 0.5) as s:
                    s.sendall(b"PING\r\n")
                    return s.recv(16).startswith(b"+PONG")
            except OSError:
                return False
        wait_until(pong, 10, "redis-server")

    # Scout --------------------------------------------------------------------------------
    def start_scout(self):
        config = os.path.join(self.workdir, "config")
        os.makedirs(config, exist_ok=True)
        for name in ("default.json", "development.json"):
            with open(os.path.join(config, name), "w") as f:
                f.write("{}\n")
        settings = {
            "server.listen": f"127.0.0.1:{self.scout_port}",
            "upstream.gateway_url": f"http://127.0.0.1:{self.sim_port}/sync",
            "upstream.app_key": APP_KEY, "upstream.app_secret": APP_SECRET,
            "upstream.tracking_id": "chaos", "search.cursor_secret": "chaos-cursor-secret",
            "redis.url": f"redis://127.0.0.1:{self.redis_port}/0" if self.opts.redis else "",
            "cache.l2_secret": "chaos-l2-secret", "admin.token": ADMIN_TOKEN,
            "log.level": "warn", "log.format": "json",
            # scout-sim enforces no call rate, and 20 new searches a second would otherwise
            # queue in the outbound quota (5/s by default): its waits are not these faults.
            "upstream.quota.rate_per_s": 0,
        }
        settings.update(self.opts.settings)
        args = [self.opts.scout_bin, "--env", "development", "--config-dir", config]
        for k, v in settings.items():
            args += ["--set", f"{k}={v}"]
        env = {k: v for k, v in os.environ.items() if not k.startswith("SCOUT_")}
        env.update(self.opts.scout_env)
        self.scout = Proc("scout", args, self.workdir, env).start()
        try:
            wait_until(lambda: http_ok(f"http://127.0.0.1:{self.scout_port}/health"), 30,
                       "Scout")
        except RuntimeError:
            raise RuntimeError("Scout did not start:\n" + self.scout.log_tail())

    def start(self):
        self.start_sim()
        if self.opts.redis:
            self.start_redis()
        self.start_scout()
        return self

    def stop(self):
        for p in (self.scout, self.sim, self.redis):
            if p is not None:
                p.stop()
        if not os.environ.get("CHAOS_KEEP"):  # CHAOS_KEEP=1 keeps the logs
            shutil.rmtree(self.workdir, ignore_errors=True)


# Load ---------------------------------------------------------------------------------------

@dataclass
class Result:
    kind: str           # hot, new, bad, admin
    sched: float        # scheduled send time, seconds since the load started
    done: float         # completion time, same clock
    status: int         # HTTP status; 0 = no response (see error)
    error: str = ""     # refused, reset, timeout, closed, ...
    x_cache: str = ""
    x_cache_l2: str = ""
    retry_after: bool = False

    @property
    def latency_ms(self):
        return (self.done - self.sched) * 1000.0

    @property
    def ok(self):
        return 200 <= self.status < 300


def parse_head(data):
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    lines = head.split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers


async def fetch(port, path, headers, timeout_s):
    """One request on its own connection; returns (status, headers, error)."""
    writer = None
    try:
        async with asyncio.timeout(timeout_s):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
            writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}"
                         "Connection: close\r\n\r\n".encode())
            data = await reader.read()
        if not data:
            return 0, {}, "closed"
        status, hdrs = parse_head(data)
        return status, hdrs, ""
    except ConnectionRefusedError:
        return 0, {}, "refused"
    except (ConnectionResetError, BrokenPipeError):
        return 0, {}, "reset"
    except TimeoutError:
        return 0, {}, "timeout"
    except (OSError, ValueError, IndexError) as e:
        return 0, {}, type(e).__name__
    finally:
        if writer is not None:
            writer.close()


async def open_loop(port, rate, duration_s, pick, timeout_s=15.0, results=None, done=None):
    """Sends request i at start + i / rate for duration_s (or until done(elapsed_s) is true,
    when given); pick(i) -> (kind, path, headers).
    Appends every Result to `results` as it completes (a sampler may read it meanwhile) and
    returns them sorted by scheduled time."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    results = [] if results is None else results
    tasks = set()

    async def one(i, sched):
        kind, path, headers = pick(i)
        status, hdrs, error = await fetch(port, path, headers, timeout_s)
        results.append(Result(kind, sched - start, loop.time() - start, status, error,
                              hdrs.get("x-cache", ""), hdrs.get("x-cache-l2", ""),
                              "retry-after" in hdrs))

    total = int(duration_s * rate)
    for i in range(total):
        sched = start + i / rate
        if done is not None and done(i / rate):
            break
        delay = sched - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(one(i, sched))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    if tasks:
        await asyncio.wait(tasks)
    return sorted(results, key=lambda r: r.sched)


def search_path(q):
    return "/search?q=" + q.replace(" ", "+") + "&page_size=20"


def hot_path(i):
    return search_path(HOT_WORDS[i % len(HOT_WORDS)])


def percentile(values, p):
    if not values:
        return float("nan")
    s = sorted(values)
    k = min(len(s) - 1, max(0, int(round(p / 100.0 * (len(s) - 1)))))
    return s[k]
