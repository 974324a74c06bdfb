# Helpers shared by the load scripts (sourced, not run).

# A free TCP port on 127.0.0.1.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# The median of the numbers on stdin, one per line.
median() {
  sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'
}

# Replaces what stands between <!-- $1:begin --> and <!-- $1:end --> in docs/performance.md
# with $2.
write_section() {
  python3 - "$1" "$2" <<'PY'
import re, sys
name, table = sys.argv[1], sys.argv[2]
path = "docs/performance.md"
text = open(path).read()
begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
if begin not in text or end not in text:
    sys.exit(f"{path} has no {begin} ... {end} section")
text = re.sub(re.escape(begin) + ".*?" + re.escape(end),
              lambda m: begin + "\n" + table + "\n" + end, text, flags=re.S)
open(path, "w").write(text)
PY
}

# Waits up to 20 s for $1 (a URL) to answer.
wait_http() {
  for _ in $(seq 1 200); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "no answer from $1" >&2
  return 1
}
