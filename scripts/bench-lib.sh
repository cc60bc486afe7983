# Sourced by scripts/bench.sh and scripts/bench-relay.sh: a work folder removed at exit together with
# every process whose pid is added to pids, a standard input for js nodes, and the number helpers. A
# run that fails leaves an empty figure: it is left out of medians and printed as "failed", and the
# script goes on with the other figures.

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

# A js node runs until its stdin ends or it is killed (cleanup does). Its stdin is this FIFO, which
# the script holds open for writing (fd 3) and never writes: no data, and no end while the script
# runs. Start nodes with 3>&- so that they do not hold a writer themselves. (/dev/zero fed the node
# bytes as fast as it read them, which kept about half a core busy and slowed every figure.)
mkfifo "$work/stdin"
exec 3<>"$work/stdin"

# jq_num EXPR: the last line of stdin as JSON, d; prints EXPR of it, or nothing (and why, on stderr).
jq_num() { python3 -c "
import json, sys
lines = sys.stdin.read().strip().splitlines()
try:
    d = json.loads(lines[-1]); print($1)
except Exception as e:
    print('bench: a run gave no figure: %s: %s; it printed: %s' % (type(e).__name__, e, (lines[-1] if lines else '(nothing)')[:300]), file=sys.stderr)
"; }

# first_json FILE EVENT FIELD: waits up to 20 s for the first line of FILE with "event":EVENT and prints
# its FIELD (the first element of a list).
first_json() {
  local line=""
  for _ in $(seq 200); do line=$(grep -m1 "\"event\":\"$2\"" "$1" 2>/dev/null || true); [ -n "$line" ] && break; sleep 0.1; done
  [ -n "$line" ] || { echo "no $2 event in $1:" >&2; cat "$1" >&2; exit 1; }
  python3 -c "import json,sys; d=json.loads(sys.argv[1]); v=d[sys.argv[2]]; print(v[0] if isinstance(v, list) else v)" "$line" "$3"
}

_figures='import sys, statistics as s; v = sorted(float(x) for x in sys.argv[2:] if x.strip())'
# median FIGURE...: the median of the figures there are, or nothing.
median() { python3 -c "$_figures; print(s.median(v) if v else '')" - "$@"; }
# stats DECIMALS FIGURE...: "median  (min - max)", or "failed".
stats() { python3 -c "$_figures; d = int(sys.argv[1]); print(f'{s.median(v):9.{d}f}  ({v[0]:.{d}f} - {v[-1]:.{d}f})' if v else '   failed')" "$@"; }
# ratio A B: A / B with two decimals, or "-" when either is missing.
ratio() { python3 -c "import sys; a, b = sys.argv[1], sys.argv[2]; print(f'{float(a) / float(b):.2f}' if a.strip() and b.strip() and float(b) else '-')" "$1" "$2"; }
