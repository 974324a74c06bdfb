#!/usr/bin/env python3
"""Hot keys across TTL expiries, without and with refresh-ahead.

Two runs of the same load on the same build (scout-sim answering in 200 ms, Redis, one Scout):
a steady open loop of RATE requests/s over KEYS hot searches for DURATION seconds with
`cache.ttl.search_s` = TTL, first with `cache.refresh_ahead_percent=0` (before), then with
PERCENT (after). Every answer's latency and X-Cache is recorded. Prints one table row per run
(answers, answers that waited on the upstream, p50/p99/max latency, upstream calls per key per
TTL) and writes an SVG of latency over time for both runs; --write records the table and the
plot in docs/performance.md. Loopback only; every run bounded.

    bench/load/refresh_ahead.py --scout-bin build/release/src/scout \\
        --sim-bin build/release/src/sim/scout-sim [--write]
"""
import argparse
import asyncio
import json
import os
import sys
import urllib.request
from datetime import datetime, timezone

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "chaos"))
from chaos import write_section  # noqa: E402
from stack import Stack, StackOptions, open_loop, percentile, search_path  # noqa: E402

HOT = ["usb cable", "phone case", "earbuds"]
PRODUCT_QUERY = "aliexpress.affiliate.product.query"
SVG = "docs/refresh-ahead.svg"
PERF = "docs/performance.md"


def sim_calls(stack):
    with urllib.request.urlopen(f"http://127.0.0.1:{stack.sim_port}/__sim/stats", timeout=5) as r:
        stats = json.loads(r.read())
    return int(stats.get("calls", {}).get(PRODUCT_QUERY, 0))


def run(args, percent):
    opts = StackOptions(scout_bin=args.scout_bin, sim_bin=args.sim_bin, sim_latency_ms=200,
                        settings={"cache.ttl.search_s": args.ttl,
                                  "cache.refresh_ahead_percent": percent,
                                  "log.level": "info"})
    stack = Stack(opts).start()
    try:
        paths = [search_path(q) for q in HOT]
        for p in paths:  # warm: the first fetch of each key is not part of the picture
            urllib.request.urlopen(f"http://127.0.0.1:{stack.scout_port}{p}", timeout=10).read()
        before = sim_calls(stack)
        results = asyncio.run(open_loop(stack.scout_port, args.rate, args.duration,
                                        lambda i: ("hot", paths[i % len(paths)], {})))
        calls = sim_calls(stack) - before
    finally:
        stack.stop()
    return results, calls


def summary(name, results, calls, args):
    lat = [r.latency_ms for r in results]
    waited = sum(1 for r in results if r.x_cache != "HIT")
    failed = sum(1 for r in results if not r.ok)
    per_key_per_ttl = calls / len(HOT) / (args.duration / args.ttl)
    return (f"| {name} | {len(results)} | {waited} | {failed} | {percentile(lat, 50):.1f} | "
            f"{percentile(lat, 99):.1f} | {max(lat):.1f} | {calls} ({per_key_per_ttl:.2f} per key "
            f"per TTL) |")


def svg(runs, args):
    """Two stacked panels (before, after): latency (log scale) of every answer over time."""
    width, panel, left, top = 900, 220, 60, 30
    height = top + len(runs) * (panel + 50)
    ymax = 1000.0
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           'font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>']
    import math

    def y_of(ms, y0):
        v = min(max(ms, 0.1), ymax)
        return y0 + panel - (math.log10(v) + 1) / (math.log10(ymax) + 1) * panel

    for k, (name, results) in enumerate(runs):
        y0 = top + k * (panel + 50)
        plot_w = width - left - 20
        out.append(f'<text x="{left}" y="{y0 - 8}" font-weight="bold">{name}</text>')
        out.append(f'<rect x="{left}" y="{y0}" width="{plot_w}" height="{panel}" fill="none" '
                   'stroke="#888"/>')
        for ms in (0.1, 1, 10, 100, 1000):
            y = y_of(ms, y0)
            out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" '
                       'stroke="#eee"/>')
            out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{ms:g} ms</text>')
        t = 0
        while t <= args.duration:
            x = left + t / args.duration * plot_w
            out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y0}" y2="{y0 + panel}" '
                       'stroke="#f3d3d3"/>')
            out.append(f'<text x="{x:.1f}" y="{y0 + panel + 14}" text-anchor="middle">{t} s'
                       '</text>')
            t += args.ttl
        for r in results:
            x = left + min(r.sched / args.duration, 1.0) * plot_w
            colour = "#1f77b4" if r.x_cache == "HIT" else "#d62728"
            out.append(f'<circle cx="{x:.1f}" cy="{y_of(r.latency_ms, y0):.1f}" r="1.6" '
                       f'fill="{colour}"/>')
    out.append(f'<text x="{left}" y="{height - 6}">blue: X-Cache HIT, red: anything else '
               f'(waited on the upstream); vertical lines every TTL ({args.ttl} s) from the start of the load'
               '</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scout-bin", required=True)
    ap.add_argument("--sim-bin", required=True)
    ap.add_argument("--ttl", type=int, default=4)
    ap.add_argument("--percent", type=int, default=10)  # the shipped default
    ap.add_argument("--rate", type=int, default=150)
    ap.add_argument("--duration", type=int, default=13)  # three expiries at TTL 4 s
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()

    before, calls_before = run(args, 0)
    after, calls_after = run(args, args.percent)
    table = "\n".join([
        f"| run ({args.rate} req/s over {len(HOT)} hot keys for {args.duration} s; TTL "
        f"{args.ttl} s; upstream 200 ms) | answers | not a HIT (waited on the upstream) | "
        "failed | p50 ms | p99 ms | max ms | upstream calls |",
        "|---|---|---|---|---|---|---|---|",
        summary("before: `cache.refresh_ahead_percent=0`", before, calls_before, args),
        summary(f"after: `cache.refresh_ahead_percent={args.percent}`", after, calls_after,
                args),
        "",
        f"![latency over time, before and after](refresh-ahead.svg)",
        "",
        f"Run of {datetime.now(timezone.utc):%Y-%m-%d} on {os.cpu_count()} cores; load average "
        f"at the end: {' '.join(open('/proc/loadavg').read().split()[:3])}.",
    ])
    print(table)
    image = svg([("before: refresh-ahead off", before),
                 (f"after: refresh-ahead {args.percent} %", after)], args)
    if args.write:
        with open(SVG, "w") as f:
            f.write(image)
        write_section(PERF, "refresh-ahead", table)


if __name__ == "__main__":
    main()
