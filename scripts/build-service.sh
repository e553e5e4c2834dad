#!/usr/bin/env bash
# Makes one service's self-contained production folder: its dist/ and files, and node_modules with
# production dependencies only (workspace packages as their built dist/). The one recipe shared by
# deploy/docker/Dockerfile and test/deploy/production-build.test.ts, so the test starts exactly
# what the image would run.
#
#   scripts/build-service.sh <service> <outdir>
#
# Needs `pnpm install --frozen-lockfile` and `pnpm build` first. <outdir> must not exist or be
# empty. Run it as: node <outdir>/dist/main.js with NODE_ENV=production.
set -euo pipefail
cd "$(dirname "$0")/.."

SERVICES=(gateway auth agent-executor cache analytics)
# Packages that must never reach an image: build, test and lint tools, and the test fixtures.
DEV_ONLY=(typescript tsx esbuild jest ts-jest @types/jest eslint typescript-eslint @oca/testkit solc @foundry-rs/anvil-linux-amd64)

fail() { echo "build-service: $*" >&2; exit 1; }

service=${1:-}
outdir=${2:-}
[ -n "$service" ] && [ -n "$outdir" ] || fail "usage: scripts/build-service.sh <service> <outdir>"
[[ " ${SERVICES[*]} " == *" $service "* ]] || fail "unknown service '$service' (one of: ${SERVICES[*]})"
[ -f "services/$service/dist/main.js" ] || fail "services/$service/dist/main.js is missing: run pnpm build first"

# forceLegacyDeploy in pnpm-workspace.yaml says why this is the copying implementation; versions
# still come from pnpm-lock.yaml.
pnpm --filter "@oca/$service" deploy --prod "$outdir"

# pnpm links a devDependency of the root into a production dependency when it satisfies that
# dependency's optional peer (viem, ox and abitype name typescript), --prod or not (a known pnpm
# bug). Nothing loads it at run time; drop the package and the links to it.
store="$outdir/node_modules/.pnpm"
for name in typescript; do
  rm -rf "$store/$name@"*
  find "$store" -mindepth 2 -maxdepth 4 -type l -path "*/node_modules/$name" -delete
done

# Refuse a folder that still holds a development-only package anywhere.
for name in "${DEV_ONLY[@]}"; do
  flat=${name/\//+}
  if compgen -G "$store/$flat@*" >/dev/null || [ -e "$outdir/node_modules/$name" ] || [ -L "$store/node_modules/$name" ]; then
    fail "development-only package $name ended up in $outdir"
  fi
done
[ -f "$outdir/dist/main.js" ] || fail "$outdir/dist/main.js is missing"
echo "build-service: $service -> $outdir"
