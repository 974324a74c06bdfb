#!/usr/bin/python3
"""Contract test: docs/openapi.yaml against a running Scout (and scout-sim) on loopback.

For every operation it sends the requests listed in the operation's `x-contract` (and the
top-level `x-contract-any-path`), then checks the status is documented, every required
header is present and valid, and the body matches the documented media type and schema.
Every documented status needs a case or an `x-contract-untested` reason. Finally the routes
of `scout --print-routes` and the spec's paths must be the same set.

A case's `fixture` names the Scout configuration it needs (FIXTURES below); each fixture's
Scout is started once, on first use, and stopped by PID at the end. Adding a route to Scout
means adding its path and cases to the spec; nothing here names a route.
"""
import argparse
import copy
import hashlib
import http.client
import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

import jsonschema
import yaml

ADMIN_TOKEN = "contract-admin-token"
API_KEY = "contract-test-key"
APP_KEY, APP_SECRET = "100001", "dev-secret-not-for-production"

# Settings per fixture, merged over config/development.json. `sim` picks the simulator.
FIXTURES = {
    "default": {"settings": {"admin": {"token": ADMIN_TOKEN}}},
    "no_admin": {"settings": {"admin": {"token": ""}}},
    # auth.api_keys entries are "id:sha256-hex-of-key:rate_per_s:burst".
    "api_keys": {"settings": {"auth": {"required": True, "api_keys": [
        f"contract:{hashlib.sha256(API_KEY.encode()).hexdigest()}:100:100"]}}},
    "rate_limited": {"settings": {"rate_limit": {"enabled": True,
                                                 "per_client": {"rate_per_s": 1, "burst": 1}}}},
    "upstream_down": {"settings": {"upstream": {"retry": {"max_attempts": 1}}},
                      "sim": "none"},
    "upstream_slow": {"settings": {"upstream": {"request_timeout_ms": 1000,
                                                "attempt_timeout_ms": 500,
                                                "retry": {"max_attempts": 1}}},
                      "sim": "slow"},
    "quota": {"settings": {"upstream": {"quota": {"daily": 1}}}},
}
TIMEOUT_S = 30


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


class Processes:
    """Starts processes and stops exactly those, by PID."""

    def __init__(self, workdir: pathlib.Path):
        self.workdir = workdir
        self.children = []

    def start(self, name: str, argv: list) -> subprocess.Popen:
        log = open(self.workdir / f"{name}.log", "wb")
        child = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, cwd=self.workdir)
        self.children.append((name, child))
        return child

    def stop_all(self):
        for _, child in reversed(self.children):
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for _, child in self.children:
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()

    def log_tail(self, name: str) -> str:
        path = self.workdir / f"{name}.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""


def request(port, method, target, headers=None, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_S)
    try:
        conn.putrequest(method, target, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders()
        if body is not None:
            try:
                conn.send(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # Scout may answer (413) and close before reading the whole body
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


class Contract:
    def __init__(self, args):
        self.args = args
        self.spec = yaml.safe_load(pathlib.Path(args.spec).read_text())
        self.resolver = jsonschema.RefResolver.from_schema(self.spec)
        self.workdir = pathlib.Path(tempfile.mkdtemp(prefix="scout-contract-"))
        self.procs = Processes(self.workdir)
        self.sims = {}
        self.scouts = {}
        self.failures = []
        self.checked = 0

    # ---- processes ---------------------------------------------------------------------

    def sim_port(self, kind: str) -> int:
        if kind == "none":
            return free_port()  # nothing listens there: connection refused
        if kind not in self.sims:
            port = free_port()
            latency = "3000" if kind == "slow" else "20"
            self.procs.start(f"sim-{kind}", [self.args.sim, "--listen", f"127.0.0.1:{port}",
                                             "--app-key", APP_KEY, "--app-secret", APP_SECRET,
                                             "--latency-ms", latency, "--log-level", "warn"])
            self.wait_listening(port, f"sim-{kind}")
            self.sims[kind] = port
        return self.sims[kind]

    def wait_listening(self, port, name, path=None):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if path is None:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    return
                if request(port, "GET", path)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{name} did not come up:\n{self.procs.log_tail(name)}")

    def scout(self, fixture: str) -> int:
        if fixture in self.scouts:
            if self.scouts[fixture] is None:
                raise RuntimeError(f"fixture {fixture} did not start (see its first failure)")
            return self.scouts[fixture]
        self.scouts[fixture] = None
        spec = FIXTURES[fixture]
        sim = self.sim_port(spec.get("sim", "normal"))
        config_dir = self.workdir / f"config-{fixture}"
        config_dir.mkdir()
        source = pathlib.Path(self.args.config_dir)
        (config_dir / "default.json").write_text((source / "default.json").read_text())
        development = json.loads((source / "development.json").read_text())
        development = merge(development, spec["settings"])
        development = merge(development, {
            "upstream": {"gateway_url": f"http://127.0.0.1:{sim}/sync"},
            "redis": {"url": ""}, "log": {"level": "info"}})
        (config_dir / "development.json").write_text(json.dumps(development, indent=2))
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("SCOUT_")}
        self.procs.children.append((f"scout-{fixture}", subprocess.Popen(
            [self.args.scout, "--env", "development", "--config-dir", str(config_dir),
             "--set", f"server.listen=127.0.0.1:{port}"],
            stdout=open(self.workdir / f"scout-{fixture}.log", "wb"), stderr=subprocess.STDOUT,
            env=env, cwd=self.workdir)))
        self.wait_listening(port, f"scout-{fixture}", "/health")
        self.scouts[fixture] = port
        return port

    # ---- spec helpers ------------------------------------------------------------------

    def deref(self, node):
        while isinstance(node, dict) and "$ref" in node:
            node = self.resolver.resolve(node["$ref"])[1]
        return node

    def validate(self, instance, schema, where):
        try:
            jsonschema.validate(instance, schema, cls=jsonschema.Draft202012Validator,
                                resolver=self.resolver)
        except jsonschema.ValidationError as e:
            self.fail(where, f"schema: {e.message} at {list(e.absolute_path)}")

    def fail(self, where, message):
        self.failures.append(f"{where}: {message}")

    # ---- one case ----------------------------------------------------------------------

    def send(self, port, method, path, case):
        query = urllib.parse.urlencode(case.get("query", {}))
        target = path + ("?" + query if query else "")
        headers = dict(case.get("headers", {}))
        if case.get("auth") == "admin":
            headers["Authorization"] = f"Bearer {ADMIN_TOKEN}"
        if case.get("header_bytes"):
            headers["X-Padding"] = "x" * case["header_bytes"]
        body = None
        if "json" in case:
            body = json.dumps(case["json"]).encode()
            headers.setdefault("Content-Type", "application/json")
        elif "body" in case:
            body = case["body"].encode()
        elif "body_bytes" in case:
            body = b"{" + b" " * (case["body_bytes"] - 2) + b"}"
        if "content_type" in case:
            headers["Content-Type"] = case["content_type"]
        return request(port, method.upper(), target, headers, body)

    def run_case(self, method, path, operation, case, previous):
        fixture = case.get("fixture", "default")
        where = f"{method.upper()} {path} [{case['status']} {fixture} {case}]"
        port = self.scout(fixture)
        for extra in case.get("before", []):
            self.send(port, method, path, extra)
        if case.get("if_none_match_from_previous"):
            etag = (previous or {}).get("etag")
            if not etag:
                return self.fail(where, "the previous case gave no ETag")
            case = merge(case, {"headers": {"If-None-Match": etag}})
        for _ in range(case.get("repeat", 1)):
            status, headers, body = self.send(port, method, path, case)
        self.checked += 1
        if status != case["status"]:
            return self.fail(where, f"status {status}, expected {case['status']}: {body[:300]!r}")
        for name, value in case.get("expect_headers", {}).items():
            if headers.get(name.lower()) != value:
                self.fail(where, f"header {name}: {headers.get(name.lower())!r}, expected {value!r}")
        for name in case.get("expect_headers_present", []):
            if name.lower() not in headers:
                self.fail(where, f"header {name} missing")
        if operation is None:  # any path: the generic error body
            self.check_error_body(where, headers, body)
        else:
            self.check_response(where, operation, status, headers, body)
        return headers

    def check_error_body(self, where, headers, body):
        if "x-request-id" not in headers:
            self.fail(where, "no X-Request-ID")
        try:
            self.validate(json.loads(body), {"$ref": "#/components/schemas/Error"}, where)
        except ValueError:
            self.fail(where, f"body is not JSON: {body[:200]!r}")

    def check_response(self, where, operation, status, headers, body):
        documented = operation["responses"].get(str(status))
        if documented is None:
            return self.fail(where, f"status {status} is not documented")
        response = self.deref(documented)
        for name, header in response.get("headers", {}).items():
            header = self.deref(header)
            value = headers.get(name.lower())
            if value is None:
                if header.get("required"):
                    self.fail(where, f"required header {name} missing")
                continue
            self.validate(value, header.get("schema", {}), f"{where} header {name}")
        content = response.get("content")
        if not content:
            if body:
                self.fail(where, f"documented without a body, got {body[:100]!r}")
            return
        media = headers.get("content-type", "").split(";")[0].strip()
        if media not in content:
            return self.fail(where, f"Content-Type {media!r} not in {list(content)}")
        schema = content[media].get("schema", {})
        if headers.get("content-encoding") == "gzip":
            import gzip
            body = gzip.decompress(body)
        if media.endswith("json"):
            try:
                instance = json.loads(body)
            except ValueError:
                return self.fail(where, f"body is not JSON: {body[:200]!r}")
        else:
            instance = body.decode("utf-8", errors="replace")
        self.validate(instance, schema, where)

    # ---- the whole contract ------------------------------------------------------------

    def operations(self):
        for path, item in self.spec["paths"].items():
            for method, operation in item.items():
                if method in ("get", "post", "put", "patch", "delete"):
                    yield path, method, operation

    def check_coverage(self, path, method, operation):
        where = f"{method.upper()} {path}"
        cases = operation.get("x-contract", [])
        if not cases:
            self.fail(where, "no x-contract cases")
        tested = {str(c["status"]) for c in cases}
        untested = set(operation.get("x-contract-untested", {}))
        for status in operation["responses"]:
            if status not in tested and status not in untested:
                self.fail(where, f"status {status} has no case and no x-contract-untested reason")
        for status in tested - set(operation["responses"]):
            self.fail(where, f"a case expects undocumented status {status}")

    def check_routes(self):
        out = subprocess.run([self.args.scout, "--print-routes"], capture_output=True, text=True,
                             timeout=60, check=False)
        if out.returncode != 0:
            return self.fail("--print-routes", f"exit {out.returncode}: {out.stderr[:300]}")
        served = {(line.split()[0].lower(), line.split()[1])
                  for line in out.stdout.splitlines() if line.strip()}
        documented = {(m, p) for p, m, _ in self.operations()}
        for method, path in sorted(served - documented):
            self.fail("routes", f"{method.upper()} {path} is served but not in the spec")
        for method, path in sorted(documented - served):
            self.fail("routes", f"{method.upper()} {path} is in the spec but Scout does not serve it")

    def run(self):
        try:
            self.check_routes()
            for path, method, operation in self.operations():
                self.check_coverage(path, method, operation)
                previous = None
                for case in operation.get("x-contract", []):
                    try:
                        previous = self.run_case(method, path, operation, case, previous)
                    except (OSError, RuntimeError, http.client.HTTPException) as e:
                        self.fail(f"{method.upper()} {path} {case}", f"{type(e).__name__}: {e}")
            for case in self.spec.get("x-contract-any-path", []):
                try:
                    self.run_case(case["method"], case["path"], None, case, None)
                except (OSError, RuntimeError, http.client.HTTPException) as e:
                    self.fail(f"{case['method']} {case['path']}", f"{type(e).__name__}: {e}")
        finally:
            self.procs.stop_all()
        for failure in self.failures:
            print("FAIL", failure)
        print(f"contract: {self.checked} responses checked, {len(self.failures)} failure(s)"
              + (f"; logs in {self.workdir}" if self.failures else ""))
        if not self.failures:
            shutil.rmtree(self.workdir, ignore_errors=True)
        return 1 if self.failures else 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scout", required=True)
    parser.add_argument("--sim", required=True)
    parser.add_argument("--spec", required=True)
    parser.add_argument("--config-dir", required=True)
    args = parser.parse_args()
    for name in ("scout", "sim", "spec", "config_dir"):
        setattr(args, name, os.path.abspath(getattr(args, name)))
    return Contract(args).run()


if __name__ == "__main__":
    sys.exit(main())
