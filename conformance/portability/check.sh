#!/usr/bin/env bash
# Runs the same device flow (conformance/portability/flow.ts) on Node, Bun, Deno and workerd, in
# two forms:
#   built     the compiled library in dist/lib/ (what the npm package ships);
#   vendored  lib/ less lib/cli/ copied into a scratch folder and imported as TypeScript source
#             (device-grant/index.ts), with no build: the runtime strips the types itself
#             (Node >= 22.18, Deno 2, Bun 1); workerd gets it bundled from the .ts by esbuild.
# Deno also type-checks the vendored copy (deno check, with the TypeScript Deno ships).
# The runtimes come from the npm registry through npx (cached after the first run); none is a
# dependency of the project.
#
# Exit status: 0 all proven; 1 a flow failed on a runtime that ran (a regression: fails CI);
# 3 no flow failed but a runtime could not be fetched from the registry (reported as NOT FETCHED:
# an outage of the registry, not a fault of the library; .ci/run warns and carries on).
# Usage: npm run build && bash conformance/portability/check.sh
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
out=$root/dist/conformance/portability
# Each runtime can be overridden from the environment (e.g. BUN=bun@1.2 bash check.sh).
NODE_NEXT=${NODE_NEXT:-node@24} BUN=${BUN:-bun@1} DENO=${DENO:-deno@2} WORKERD=${WORKERD:-workerd@latest} ESBUILD=${ESBUILD:-esbuild@0.28.2}
work=$(mktemp -d)
wd_pid=""
# workerd runs in its own process group (set -m below): killing the group stops npx and the
# workerd binary it started, which would otherwise outlive the script.
trap '[ -n "$wd_pid" ] && kill -- "-$wd_pid" 2>/dev/null; rm -rf "$work"' EXIT
failed=0 unfetched=0

# The vendored copy: exactly what the README's "Vendoring" section tells a user to copy.
vendor=$work/vendored
mkdir -p "$vendor"
cp -R lib "$vendor/device-grant"
rm -rf "$vendor/device-grant/cli"
sed "s|'../../lib/index.js'|'./device-grant/index.ts'|" conformance/portability/flow.ts >"$vendor/flow.ts"
sed "s|'./flow.js'|'./flow.ts'|" conformance/portability/main.ts >"$vendor/main.ts"
sed "s|'./flow.js'|'./flow.ts'|" conformance/portability/worker.ts >"$vendor/worker.ts"
echo '{ "type": "module" }' >"$vendor/package.json"

# report NAME VERSION FORM LINE: one line per runtime and form; a flow passes when it prints OK.
report() {
  printf '%-8s %-12s %-9s %s\n' "$1" "$2" "$3" "$4"
  [[ $4 == OK* || $4 == SKIPPED* ]] || failed=1
}
# fetch NAME CMD...: sets $version to the runtime's version, or reports NOT FETCHED and returns 1.
fetch() {
  local name=$1 first; shift
  if first=$("$@" --version 2>&1 | head -1) && [[ $first =~ [0-9] ]]; then
    version=${first#"$name "}
    version=${version%% *}
    return 0
  fi
  printf '%-8s %-12s %-9s %s\n' "$name" '?' '-' "NOT FETCHED: \`$* --version\` failed: ${first:-no output}"
  unfetched=1
  return 1
}
last() { "$@" 2>&1 | tail -1; }

# Node as installed (CI's): built; vendored only when it can strip types.
version=$(node --version)
report node "$version" built "$(last node "$out/main.js")"
if node --experimental-strip-types --input-type=module -e '' 2>/dev/null; then
  report node "$version" vendored "$(cd "$vendor" && last node --experimental-strip-types main.ts)"
else
  report node "$version" vendored "SKIPPED: this Node cannot strip types (Node >= 22.18 can; $NODE_NEXT is checked below)"
fi

if fetch node npx --yes "$NODE_NEXT"; then
  report node "$version" built "$(last npx --yes "$NODE_NEXT" "$out/main.js")"
  report node "$version" vendored "$(cd "$vendor" && last npx --yes "$NODE_NEXT" main.ts)"
fi
if fetch bun npx --yes "$BUN"; then
  report bun "$version" built "$(last npx --yes "$BUN" "$out/main.js")"
  report bun "$version" vendored "$(cd "$vendor" && last npx --yes "$BUN" main.ts)"
fi
if fetch deno npx --yes "$DENO"; then
  report deno "$version" built "$(last npx --yes "$DENO" run --allow-read "$out/main.js")"
  report deno "$version" vendored "$(cd "$vendor" && last npx --yes "$DENO" run main.ts)"
  if check=$(cd "$vendor" && npx --yes "$DENO" check main.ts 2>&1); then check='OK deno check main.ts'; fi
  report deno "$version" types "$(tail -1 <<<"$check")"
fi

# workerd: one process, two services (built and vendored), each on its own free loopback port.
free_port() { node -e "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
if ! npx --yes "$ESBUILD" --version >/dev/null 2>&1; then
  printf '%-8s %-12s %-9s %s\n' workerd '?' '-' "NOT FETCHED: \`npx --yes $ESBUILD\` failed (it bundles the worker)"
  unfetched=1
elif fetch workerd npx --yes "$WORKERD"; then
  npx --yes "$ESBUILD" --bundle --format=esm --platform=neutral "$out/worker.js" --outfile="$work/built.mjs" --log-level=warning
  npx --yes "$ESBUILD" --bundle --format=esm --platform=neutral "$vendor/worker.ts" --outfile="$work/vendored.mjs" --log-level=warning
  built_port=$(free_port) vendored_port=$(free_port)
  cat >"$work/config.capnp" <<CAPNP
using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "built", worker = .built), (name = "vendored", worker = .vendored) ],
  sockets = [
    (name = "built", address = "127.0.0.1:$built_port", http = (), service = "built"),
    (name = "vendored", address = "127.0.0.1:$vendored_port", http = (), service = "vendored"),
  ],
);
const built :Workerd.Worker = (modules = [ (name = "worker.mjs", esModule = embed "built.mjs") ], compatibilityDate = "2024-09-23");
const vendored :Workerd.Worker = (modules = [ (name = "worker.mjs", esModule = embed "vendored.mjs") ], compatibilityDate = "2024-09-23");
CAPNP
  set -m
  npx --yes "$WORKERD" serve "$work/config.capnp" >"$work/workerd.log" 2>&1 &
  wd_pid=$!
  set +m
  for form in built vendored; do
    port=${form}_port line=""
    for _ in $(seq 1 100); do line=$(curl -s "http://127.0.0.1:${!port}/" 2>/dev/null) && [ -n "$line" ] && break; sleep 0.2; done
    report workerd "$version" "$form" "${line:-no answer ($(tail -1 "$work/workerd.log"))}"
  done
fi

if [ "$failed" -ne 0 ]; then exit 1; fi
if [ "$unfetched" -ne 0 ]; then exit 3; fi
exit 0
