#!/usr/bin/python3
"""Small clients for bench/load/growth.sh (loopback only, every call bounded).

  latency SCOUT_PORT SIM_PORT COUNT FIRST
      COUNT distinct cache-missing searches (full pages: q=usb with a distinct max_price above
      every product's) through Scout, each followed by the equivalent signed
      aliexpress.affiliate.product.query sent straight to scout-sim's /sync (one
      keep-alive connection each, sequential). Prints "scout_p50 scout_p99 sim_p50 sim_p99"
      in ms.
  fill SCOUT_PORT FIRST COUNT CONNECTIONS DEADLINE_S
      GET search_path(k) once for each k in FIRST..FIRST+COUNT-1 over
      CONNECTIONS keep-alive connections, stopping at the deadline. Prints "answered seconds".
  burst SCOUT_PORT COUNT K
      COUNT connections opened first, then one identical cache-missing search on each at
      once. Prints the number of 200 answers and of distinct bodies.
"""
import hashlib
import hmac
import http.client
import statistics
import sys
import threading
import time
import urllib.parse

APP_KEY, APP_SECRET = "100001", "bench-secret"
# What Scout asks the upstream for on a miss, whatever the client's page_size
# (SearchOptions::upstream_page_size): the direct call must fetch the same page to compare.
UPSTREAM_PAGE_SIZE = "50"


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def search_path(k):
    """The k-th distinct search, as bench/load/zipf.lua spells it."""
    return "/search?q=usb&page_size=20&max_price=%d.%02d" % (1000 + k // 100, k % 100)


def signed_query(cents):
    params = {
        "app_key": APP_KEY, "method": "aliexpress.affiliate.product.query",
        "timestamp": str(int(time.time() * 1000)), "sign_method": "sha256",
        "format": "json", "simplify": "false", "keywords": "usb", "page_no": "1",
        "page_size": UPSTREAM_PAGE_SIZE, "tracking_id": "bench", "max_sale_price": str(cents),
        "target_currency": "USD", "target_language": "EN",
    }
    canonical = "".join(k + params[k] for k in sorted(params))
    params["sign"] = hmac.new(APP_SECRET.encode(), canonical.encode(),
                              hashlib.sha256).hexdigest().upper()
    return urllib.parse.urlencode(params)


def timed(conn, method, path, body=None, headers=None):
    start = time.perf_counter()
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    elapsed = (time.perf_counter() - start) * 1000
    if response.status != 200:
        sys.exit(f"{method} {path} answered {response.status}: {data[:200]!r}")
    return elapsed, data


def latency(scout_port, sim_port, count, first):
    scout = http.client.HTTPConnection("127.0.0.1", scout_port, timeout=10)
    sim = http.client.HTTPConnection("127.0.0.1", sim_port, timeout=10)
    form = {"Content-Type": "application/x-www-form-urlencoded;charset=utf-8"}
    through, direct = [], []
    for i in range(count):
        k = first + i
        ms, _ = timed(scout, "GET", search_path(k))
        through.append(ms)
        ms, body = timed(sim, "POST", "/sync", signed_query(100000 + k), form)
        if b"error_response" in body:
            sys.exit(f"scout-sim refused the direct call: {body[:300]!r}")
        direct.append(ms)
    print("%.3f %.3f %.3f %.3f" % (statistics.median(through), percentile(through, 99),
                                   statistics.median(direct), percentile(direct, 99)))


def fill(scout_port, first, count, connections, deadline_s):
    keys = iter(range(first, first + count))
    lock = threading.Lock()
    done = [0]
    start = time.monotonic()

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", scout_port, timeout=10)
        while time.monotonic() - start < deadline_s:
            with lock:
                k = next(keys, None)
            if k is None:
                return
            timed(conn, "GET", search_path(k))
            with lock:
                done[0] += 1

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(done[0], "%.1f" % (time.monotonic() - start))


def burst(scout_port, count, tag):
    conns = [http.client.HTTPConnection("127.0.0.1", scout_port, timeout=30) for _ in range(count)]
    for c in conns:
        c.connect()
    barrier = threading.Barrier(count)
    results = [None] * count

    def one(i):
        barrier.wait(timeout=30)
        conns[i].request("GET", search_path(tag))
        response = conns[i].getresponse()
        results[i] = (response.status, response.read())

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    ok = sum(1 for r in results if r and r[0] == 200)
    print(ok, len({r[1] for r in results if r}))


if __name__ == "__main__":
    if sys.argv[1] == "latency":
        latency(*(int(a) for a in sys.argv[2:6]))
    elif sys.argv[1] == "fill":
        fill(*(int(a) for a in sys.argv[2:6]), float(sys.argv[6]))
    elif sys.argv[1] == "burst":
        burst(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
    else:
        sys.exit(__doc__)
