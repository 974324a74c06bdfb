"""The soak: a mixed load for MINUTES against Scout with Redis, sampled every 10 s.

Run through bench/chaos/soak.sh. Traffic (open loop, RATE requests/s): 60 % repeated
searches over 20 hot keys, 15 % searches never seen before, 15 % bad requests (400/404),
10 % admin reads (JSON metrics and /metrics with the admin token); a SIGHUP reload every
minute. Every 10 s: Scout's RSS, open fds, L1 bytes (from /metrics, when exported) and the
p50/p99 latency of the last 10 s. Writes the samples as CSV, an SVG plot and a summary;
--check asserts the outcome (every answer as expected, RSS and fds flat after warm-up).
"""

import argparse
import asyncio
import os
import re
import signal
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from stack import (ADMIN_TOKEN, Stack, StackOptions, hot_path, open_fds,  # noqa: E402
                   open_loop, percentile, rss_kib, search_path)
from chaos import write_section, loadavg  # noqa: E402

SAMPLE_S = 10
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
BAD = ["/search", "/search?q=usb&page_size=0", "/search?q=usb&pagesize=5",
       "/search?q=" + "x" * 300, "/search?q=usb&q=usb", "/no-such-route"]
L1_BYTES = re.compile(r'^scout_cache_\w*bytes\b(\{[^}]*\})?\s+(\S+)', re.M)


def pick(i):
    slot = i % 20
    if slot < 12:
        return "hot", hot_path(i), {}
    if slot < 15:
        return "new", search_path(f"soak item {i}"), {}
    if slot < 18:
        return "bad", BAD[i % len(BAD)], {}
    path = "/api/monitoring/metrics" if i % 2 else "/metrics"
    return "admin", path, AUTH


def l1_bytes(port):
    """The L1 byte gauge from /metrics (a family named scout_cache_*bytes, the l1/memory
    sample when labelled); None while Scout does not export one."""
    try:
        req = urllib.request.Request(f"http://127.0.0.1:{port}/metrics", headers=AUTH)
        with urllib.request.urlopen(req, timeout=5) as r:
            text = r.read().decode()
    except OSError:
        return None
    samples = [(m.group(1) or "", float(m.group(2))) for m in L1_BYTES.finditer(text)]
    preferred = [v for labels, v in samples if "l1" in labels or "memory" in labels]
    values = preferred or [v for _, v in samples]
    return sum(values) if values else None


async def sampler(stack, results, start, duration, samples):
    loop = asyncio.get_running_loop()
    n = 0
    while True:
        n += 1
        t = n * SAMPLE_S
        if t > duration + 1:
            return
        await asyncio.sleep(max(0.0, start + t - loop.time()))
        pid = stack.scout.pid
        recent = [r.latency_ms for r in list(results)
                  if r.kind in ("hot", "new") and t - SAMPLE_S <= r.done < t]
        l1 = await asyncio.to_thread(l1_bytes, stack.scout_port)
        samples.append({"t": t, "rss_kib": rss_kib(pid), "fds": open_fds(pid),
                        "l1_bytes": l1, "p50_ms": percentile(recent, 50),
                        "p99_ms": percentile(recent, 99)})
        print(f"   t={t:5d}s rss={samples[-1]['rss_kib'] / 1024:.1f} MiB "
              f"fds={samples[-1]['fds']} l1={l1} p50={samples[-1]['p50_ms']:.1f} ms "
              f"p99={samples[-1]['p99_ms']:.1f} ms", flush=True)


async def reloader(stack, start, duration, reloads):
    loop = asyncio.get_running_loop()
    t = 60
    while t < duration:
        await asyncio.sleep(max(0.0, start + t - loop.time()))
        stack.scout.signal(signal.SIGHUP)
        reloads.append(t)
        t += 60


async def soak(stack, rate, duration):
    loop = asyncio.get_running_loop()
    start = loop.time()
    results, samples, reloads = [], [], []
    side = [asyncio.create_task(sampler(stack, results, start, duration, samples)),
            asyncio.create_task(reloader(stack, start, duration, reloads))]
    await open_loop(stack.scout_port, rate, duration, pick, timeout_s=45, results=results)
    await asyncio.gather(*side)
    return sorted(results, key=lambda r: r.sched), samples, reloads


# Verdict ------------------------------------------------------------------------------------

def expected(r):
    if r.kind == "bad":
        return 400 <= r.status < 500
    return r.ok


def verdict(results, samples, max_rss_growth_mb, alive):
    """(problems, summary dict). Flatness is judged from the sample at a third of the run
    (warm-up done: L1 at its bound, allocator pools grown) to the last one."""
    problems = []
    if not alive:
        problems.append("Scout is not running at the end of the soak")
    wrong = {}
    for r in results:
        if not expected(r):
            key = f"{r.kind} -> {r.status or r.error}"
            wrong[key] = wrong.get(key, 0) + 1
    if wrong:
        problems.append(f"unexpected answers: {wrong}")
    if len(samples) < 3:
        problems.append(f"only {len(samples)} samples")
        return problems, {}
    base, last = samples[len(samples) // 3], samples[-1]
    rss_growth = (last["rss_kib"] - base["rss_kib"]) / 1024
    fd_growth = last["fds"] - base["fds"]
    if rss_growth > max_rss_growth_mb:
        problems.append(f"RSS grew {rss_growth:.1f} MiB after warm-up (bound "
                        f"{max_rss_growth_mb} MiB)")
    if fd_growth > 10:
        problems.append(f"open fds grew by {fd_growth} after warm-up (bound 10)")
    return problems, {"base": base, "last": last, "rss_growth": rss_growth,
                      "fd_growth": fd_growth, "wrong": wrong}


# Plot ---------------------------------------------------------------------------------------

def svg_plot(samples, title):
    """Four stacked panels (RSS, fds, L1 bytes, latency) over minutes, as SVG text."""
    panels = [("RSS (MiB)", [("rss", lambda s: s["rss_kib"] / 1024, "#1f77b4")]),
              ("open fds", [("fds", lambda s: s["fds"], "#2ca02c")]),
              ("L1 bytes (MiB)", [("l1", lambda s: (s["l1_bytes"] or 0) / 2**20, "#9467bd")]),
              ("latency (ms)", [("p50", lambda s: s["p50_ms"], "#ff7f0e"),
                                ("p99", lambda s: s["p99_ms"], "#d62728")])]
    w, ph, left, top = 760, 150, 70, 40
    h = top + len(panels) * (ph + 40)
    tmax = max(s["t"] for s in samples) / 60 if samples else 1
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w + 40}" height="{h}" '
           'font-family="sans-serif" font-size="12">',
           f'<rect width="100%" height="100%" fill="white"/>',
           f'<text x="{left}" y="20" font-size="14">{title}</text>']
    for k, (label, series) in enumerate(panels):
        y0 = top + k * (ph + 40)
        vals = [f(s) for _, f, _ in series for s in samples if f(s) == f(s)]
        vmax = max(vals + [1e-9]) * 1.1
        out.append(f'<rect x="{left}" y="{y0}" width="{w - left}" height="{ph}" fill="none" '
                   'stroke="#888"/>')
        out.append(f'<text x="{left}" y="{y0 - 5}">{label}</text>')
        out.append(f'<text x="{left - 5}" y="{y0 + 10}" text-anchor="end">{vmax:.1f}</text>')
        out.append(f'<text x="{left - 5}" y="{y0 + ph}" text-anchor="end">0</text>')
        out.append(f'<text x="{w}" y="{y0 + ph + 15}" text-anchor="end">{tmax:.0f} min</text>')
        if label.startswith("L1") and all(s["l1_bytes"] is None for s in samples):
            out.append(f'<text x="{left + 10}" y="{y0 + ph / 2}">not exported by this build '
                       '(no scout_cache_*bytes gauge on /metrics)</text>')
        for j, (name, f, colour) in enumerate(series):
            pts = " ".join(f"{left + (s['t'] / 60) / tmax * (w - left):.1f},"
                           f"{y0 + ph - f(s) / vmax * ph:.1f}" for s in samples if f(s) == f(s))
            out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" '
                       f'points="{pts}"/>')
            out.append(f'<text x="{left + 10 + 50 * j}" y="{y0 + 15}" fill="{colour}">'
                       f'{name}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def summary(args, results, samples, reloads, info, problems, load_before, load_after):
    by_kind = {}
    for r in results:
        by_kind.setdefault(r.kind, []).append(r)
    base, last = info.get("base"), info.get("last")
    kinds = ", ".join(f"{k} {len(v)} ({sum(expected(r) for r in v)} as expected)"
                      for k, v in sorted(by_kind.items()))
    l1 = "not exported by this build" if not last or last["l1_bytes"] is None else \
        f"{base['l1_bytes'] / 2**20:.1f} → {last['l1_bytes'] / 2**20:.1f} MiB"
    lines = [
        f"Command: `bench/chaos/soak.sh {args.minutes:g}` (build: {args.build_name}; "
        f"{args.rate:g} req/s; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load "
        f"average {load_before} before, {load_after} after, on {os.cpu_count()} shared cores).",
        "",
        f"- Requests: {len(results)}: {kinds}. Reloads (SIGHUP): {len(reloads)}.",
    ]
    if base and last:
        lines += [
            f"- From {base['t'] / 60:.1f} min (a third of the run, warm) to the end: RSS "
            f"{base['rss_kib'] / 1024:.1f} → {last['rss_kib'] / 1024:.1f} MiB "
            f"({info['rss_growth']:+.1f} MiB), open fds {base['fds']} → {last['fds']}, L1 {l1}, "
            f"p99 {base['p99_ms']:.1f} → {last['p99_ms']:.1f} ms.",
            f"- Peak RSS {max(s['rss_kib'] for s in samples) / 1024:.1f} MiB; fds "
            f"{min(s['fds'] for s in samples)}-{max(s['fds'] for s in samples)}; worst 10 s "
            f"p99 {max(s['p99_ms'] for s in samples):.1f} ms.",
        ]
    lines.append("- Verdict: " + ("flat, every answer as expected." if not problems
                                  else "; ".join(problems)))
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("minutes", type=float)
    ap.add_argument("--scout-bin", required=True)
    ap.add_argument("--sim-bin", required=True)
    ap.add_argument("--build-name", default="release")
    ap.add_argument("--rate", type=float, default=float(os.environ.get("SOAK_RATE", 40)))
    ap.add_argument("--max-rss-growth-mb", type=float, default=32)
    ap.add_argument("--out", default="", help="directory for samples.csv and soak.svg")
    ap.add_argument("--write", action="store_true", help="update docs/reliability.md")
    ap.add_argument("--check", action="store_true", help="exit 1 unless flat and correct")
    args = ap.parse_args()
    # `timeout` (run.sh, soak.sh) sends SIGTERM: unwind, so the children are stopped by PID.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(124))
    duration = args.minutes * 60
    env = {}
    if "ASAN_OPTIONS" in os.environ:  # a small quarantine: RSS should show Scout, not ASan
        env["ASAN_OPTIONS"] = os.environ["ASAN_OPTIONS"] + ":quarantine_size_mb=16"
    stack = Stack(StackOptions(
        scout_bin=args.scout_bin, sim_bin=args.sim_bin, scout_env=env,
        # Generous upstream deadlines: the soak looks for leaks, and on a loaded machine a
        # tight deadline would turn slowness into errors (the chaos suite tests those).
        settings={"cache.ttl.search_s": "30", "cache.memory.max_bytes": str(4 << 20),
                  "upstream.request_timeout_ms": "30000",
                  "upstream.attempt_timeout_ms": "15000"}))
    load_before = loadavg()
    try:
        stack.start()
        results, samples, reloads = asyncio.run(soak(stack, args.rate, duration))
        alive = stack.scout.alive()
    finally:
        stack.stop()
    problems, info = verdict(results, samples, args.max_rss_growth_mb, alive)
    text = summary(args, results, samples, reloads, info, problems, load_before, loadavg())
    print(text)
    out = args.out or tempfile.mkdtemp(prefix="scout-soak-")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "samples.csv"), "w") as f:
        f.write("t_s,rss_kib,fds,l1_bytes,p50_ms,p99_ms\n")
        for s in samples:
            f.write(f"{s['t']},{s['rss_kib']},{s['fds']},{s['l1_bytes'] or ''},"
                    f"{s['p50_ms']:.2f},{s['p99_ms']:.2f}\n")
    title = f"Scout soak, {args.minutes:g} min at {args.rate:g} req/s ({args.build_name})"
    with open(os.path.join(out, "soak.svg"), "w") as f:
        f.write(svg_plot(samples, title))
    print(f"samples and plot in {out}")
    if args.write:
        with open("docs/soak.svg", "w") as f:
            f.write(svg_plot(samples, title))
        write_section("docs/reliability.md", "soak", text)
    if args.check and problems:
        print("SOAK FAILED: " + "; ".join(problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
