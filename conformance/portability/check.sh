#!/usr/bin/env bash
# Runs the same device flow (conformance/portability/flow.ts) on Node, Bun, Deno and workerd.
# The runtimes come from the npm registry through npx; none is a dependency of the project.
# Usage: bash conformance/portability/check.sh   (after npm run build)
set -uo pipefail
cd "$(dirname "$0")/../.."
out=dist/conformance/portability
work=$(mktemp -d)
trap 'rm -rf "$work"; [ -n "${wd_pid:-}" ] && kill "$wd_pid" 2>/dev/null' EXIT
status=0
run() { local name=$1; shift; local line; line=$("$@" 2>&1 | tail -1); echo "$name: $line"; [[ $line == OK* ]] || status=1; }
run node node "$out/main.js"
run bun npx --yes bun@1 "$out/main.js"
run deno npx --yes deno@2 run --allow-read "$out/main.js"
npx --yes esbuild@0.28.2 --bundle --format=esm --platform=neutral "$out/worker.js" --outfile="$work/worker.mjs" --log-level=warning
cat > "$work/config.capnp" <<CAPNP
using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .w) ],
  sockets = [ (name = "http", address = "127.0.0.1:18787", http = (), service = "main") ],
);
const w :Workerd.Worker = (modules = [ (name = "worker.mjs", esModule = embed "worker.mjs") ], compatibilityDate = "2024-09-23");
CAPNP
npx --yes workerd serve "$work/config.capnp" >"$work/workerd.log" 2>&1 &
wd_pid=$!
line=""
for _ in $(seq 1 60); do line=$(curl -s http://127.0.0.1:18787/ 2>/dev/null) && [ -n "$line" ] && break; sleep 1; done
echo "workerd: ${line:-no answer ($(tail -1 "$work/workerd.log"))}"
[[ $line == OK* ]] || status=1
exit $status
