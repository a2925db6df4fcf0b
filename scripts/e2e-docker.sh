#!/usr/bin/env bash
# Opt-in end-to-end test of the docker runtime (npm run e2e:docker; not part of npm test / CI):
#  1. makes sure a Docker engine runs: installs Debian's docker.io and starts dockerd (vfs storage,
#     no iptables, no bridge) when none answers — needs root;
#  2. builds a base image with no registry: a root file system holding this machine's node and the
#     shared libraries it and the native addons need, loaded with `docker import`;
#  3. `mlserve build --processor cpu --base-image` on it, `mlserve deploy --runtime docker` of a
#     two-server plan (real .mar archives), one prediction per model, `mlserve deploy --down`.
# Prints the time each step took; exit 0 only if every prediction answered correctly.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CLI="$ROOT/dist/src/cli.js"
T0=$(date +%s)
log() { echo "[e2e-docker +$(( $(date +%s) - T0 ))s] $*" >&2; }
WORK=$(mktemp -d /tmp/mlserve-e2e-docker.XXXXXX)
chmod 755 "$WORK" # the containers' non-root user reads the model stores under it
DOCKERD_PID=""
DEPLOYED=""

cleanup() {
  local rc=$?
  if [ "$rc" != 0 ] && docker info >/dev/null 2>&1; then
    docker ps -a >&2 || true
    for c in $(docker ps -a --filter label=mlserve.managed-by=mlserve --format '{{.Names}}'); do
      echo "--- docker logs $c" >&2; docker logs --tail 30 "$c" >&2 || true
    done
  fi
  if [ -n "$DEPLOYED" ]; then node "$CLI" deploy --down --out "$WORK/deploy" >&2 || true; fi
  if [ -n "$DOCKERD_PID" ]; then
    log "stopping the dockerd this script started (pid $DOCKERD_PID)"
    kill "$DOCKERD_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.2; done
  fi
  rm -rf "$WORK"
  log "finished with exit code $rc"
}
trap cleanup EXIT

if [ ! -f "$CLI" ]; then log "building mlserve (dist/ is missing)"; (cd "$ROOT" && npx tsc -p tsconfig.json); fi

# 1. A Docker engine.
if ! docker info >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then log "no Docker engine answers and this is not root: cannot start one"; exit 2; fi
  if ! command -v dockerd >/dev/null; then
    log "installing docker.io from Debian"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
  fi
  log "starting dockerd (vfs, no iptables, no bridge)"
  dockerd --storage-driver=vfs --iptables=false --bridge=none >"$WORK/dockerd.log" 2>&1 &
  DOCKERD_PID=$!
  for _ in $(seq 1 150); do docker info >/dev/null 2>&1 && break; sleep 0.2; done
  docker info >/dev/null 2>&1 || { log "dockerd did not start:"; tail -20 "$WORK/dockerd.log" >&2; exit 2; }
fi
NETWORK=host
if docker network inspect bridge >/dev/null 2>&1; then NETWORK=bridge; fi
log "engine $(docker info --format '{{.ServerVersion}}' 2>/dev/null), network $NETWORK"

# 2. A base image made here: node and the libraries of node and the native addons mlserve loads.
ROOTFS="$WORK/rootfs"
mkdir -p "$ROOTFS/usr/local/bin" "$ROOTFS/tmp" "$ROOTFS/etc"
chmod 1777 "$ROOTFS/tmp"
cp "$(command -v node)" "$ROOTFS/usr/local/bin/node"
printf 'root:x:0:0:root:/root:/bin/sh\nmlserve:x:10001:10001:mlserve:/home/mlserve:/bin/sh\n' >"$ROOTFS/etc/passwd"
printf 'root:x:0:\nmlserve:x:10001:\n' >"$ROOTFS/etc/group"
BINS=("$(command -v node)")
while IFS= read -r f; do BINS+=("$f"); done < <(find "$ROOT/node_modules/onnxruntime-node/bin" "$ROOT/node_modules/@img" \( -name '*.node' -o -name '*.so*' \) -path '*linux*x64*' 2>/dev/null)
for b in "${BINS[@]}"; do
  ldd "$b" 2>/dev/null | grep -oE '/[^ ]+\.so[^ ]*' | while read -r lib; do
    case "$lib" in "$ROOT"/*) continue ;; esac
    mkdir -p "$ROOTFS$(dirname "$lib")"
    cp -L "$lib" "$ROOTFS$lib"
  done
done
tar -C "$ROOTFS" -c . | docker import --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' - mlserve-base:e2e >/dev/null
log "base image mlserve-base:e2e: $(docker image inspect -f '{{.Size}}' mlserve-base:e2e) bytes"

# 3. mlserve build, deploy, predict, down.
node "$CLI" build --processor cpu --base-image mlserve-base:e2e --tag mlserve-cpu:e2e --out "$WORK/build" --json >"$WORK/build.json"
node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1]));if(!r.built){console.error(r);process.exit(1)}' "$WORK/build.json"
log "built mlserve-cpu:e2e"

node --input-type=module -e "
const f = await import('$ROOT/dist/test/deploy/fixture-plan.js');
await f.writeFixtureArchives('$WORK/plan');
await f.writeFixturePlan('$WORK/plan', f.localPlan());
"
chmod -R a+rX "$WORK/plan"
DEPLOYED=1
node "$CLI" deploy --plan "$WORK/plan/plan.yaml" --runtime docker --image mlserve-cpu:e2e --docker-network "$NETWORK" --out "$WORK/deploy" --ready-timeout 180s --json >"$WORK/deploy.json"
log "deployed: $(node -e 'const d=JSON.parse(require("fs").readFileSync(process.argv[1]));console.log(d.servers.map(s=>s.name+" "+s.inference).join(", "))' "$WORK/deploy.json")"
docker ps --format '{{.Names}} {{.Status}}' >&2

node --input-type=module -e "
import { readFileSync } from 'node:fs';
const d = JSON.parse(readFileSync('$WORK/deploy.json', 'utf8'));
const url = Object.fromEntries(d.servers.flatMap((s) => s.models.map((m) => [m.name, m.url])));
const post = async (u, body) => {
  const r = await fetch(u, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (r.status !== 200) throw new Error(u + ': HTTP ' + r.status + ' ' + (await r.text()));
  return r.json();
};
const id = await post(url.identity, [[1, 2, 3, 4]]);
if (JSON.stringify(id.output) !== '[[1,2,3,4]]') throw new Error('identity: ' + JSON.stringify(id));
const mlp = await post(url.mlp, [new Array(16).fill(0.5)]);
if (mlp.probabilities[0].length !== 3) throw new Error('mlp: ' + JSON.stringify(mlp));
const ocr = await post(url['ocr-cls'], Array.from({ length: 3 }, () => Array.from({ length: 48 }, () => new Array(192).fill(0))));
console.error('predictions ok: identity', JSON.stringify(id.output), 'mlp', JSON.stringify(mlp.probabilities), 'ocr-cls', JSON.stringify(ocr));
"
node "$CLI" deploy --down --out "$WORK/deploy" >&2
DEPLOYED=""
log "PASS: built, deployed, predicted and removed in $(( $(date +%s) - T0 )) s"
