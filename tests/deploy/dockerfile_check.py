#!/usr/bin/env python3
"""Checks deploy/docker/Dockerfile without a Docker engine (none runs on the CI machines):
multi-stage on Debian 12, the final stage non-root with a HEALTHCHECK on /health and only the
binary and the configuration copied in, and every shared library the scout binary needs
(its ELF NEEDED entries, mapped to Debian packages with dpkg -S on this Debian 12 machine)
installed by the final stage or part of debian:12-slim itself.

    dockerfile_check.py DOCKERFILE SCOUT_BIN
"""
import os
import re
import subprocess
import sys

# Libraries every debian:12-slim image has (essential packages and their dependencies).
SLIM_BASE = {"libc6", "libgcc-s1", "libstdc++6", "zlib1g"}
# Sanitizer runtimes of a test build, never part of a release.
SANITIZERS = re.compile(r"^lib(asan|ubsan|tsan)\.so")


def stages(text):
    """The Dockerfile's stages: (FROM line, [instructions]) with continuations joined."""
    joined = re.sub(r"\\\n", " ", text)
    out = []
    for line in joined.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("FROM "):
            out.append((line, []))
        elif out:
            out[-1][1].append(line)
    return out


def needed_packages(binary):
    dynamic = subprocess.run(["readelf", "-d", binary], capture_output=True, text=True,
                             check=True).stdout
    resolved = {}
    for line in subprocess.run(["ldd", binary], capture_output=True, text=True,
                               check=True).stdout.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[1] == "=>":
            resolved[parts[0]] = parts[2]
    packages = {}
    for lib in re.findall(r"Shared library: \[(.+?)\]", dynamic):
        if SANITIZERS.match(lib):
            continue
        path = os.path.realpath(resolved[lib])
        candidates = {path, path.replace("/usr/lib/", "/lib/", 1), "/usr" + path}
        owner = None
        for candidate in candidates:
            found = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
            if found.returncode == 0:
                owner = found.stdout.split(":")[0].strip()
                break
        assert owner, f"no Debian package owns {lib} ({path})"
        packages[lib] = owner
    return packages


def main():
    dockerfile, binary = sys.argv[1], sys.argv[2]
    all_stages = stages(open(dockerfile).read())
    assert len(all_stages) >= 2, "not multi-stage"
    assert all(re.match(r"FROM debian:12(\S*)", f) for f, _ in all_stages), "not Debian 12"
    final_from, final = all_stages[-1]
    assert "slim" in final_from, f"the final stage is not slim: {final_from}"

    users = [i.split(None, 1)[1] for i in final if i.upper().startswith("USER ")]
    assert users and not users[-1].split(":")[0] in ("root", "0"), "runs as root"
    health = [i for i in final if i.upper().startswith("HEALTHCHECK ")]
    assert health and "/health" in health[0], "no HEALTHCHECK on /health"
    copies = [i for i in final if i.upper().startswith("COPY ")]
    assert copies and all("--from=" in c for c in copies), "the final stage copies sources"
    targets = sorted(c.split()[-1] for c in copies)
    assert targets == ["/etc/scout/", "/usr/bin/scout"], f"final stage copies {targets}"

    runtime = set()
    for instruction in final:
        if instruction.upper().startswith("RUN ") and "apt-get install" in instruction:
            words = instruction.split("apt-get install", 1)[1].split("&&")[0].split()
            runtime |= {w for w in words if not w.startswith("-")}
    missing = {lib: pkg for lib, pkg in needed_packages(binary).items()
               if pkg not in runtime and pkg not in SLIM_BASE}
    assert not missing, f"the final stage does not install what scout links: {missing}"
    print(f"Dockerfile OK: {len(all_stages)} stages, user {users[-1]}, runtime packages cover "
          "every library scout links")


if __name__ == "__main__":
    main()
