#!/usr/bin/env bash
# Before/after benchmark across commits: for each commit given, a detached worktree, today's
# benchmark scripts (scripts/bench-*.ts and scripts/lib/) copied into it, and one run of
# scripts/bench-$BENCH.ts (BENCH=submit by default, with BENCH_ROWS=paused: the gateway's own
# ceiling, executor stopped; BENCH=read for reads). Development mode, one run after the other, so
# compare rows within one invocation.
#   bash scripts/bench-commits.sh 0f21f91 e4a26d9 HEAD
#   BENCH=read BENCH_ROWS=apikey,bearer bash scripts/bench-commits.sh c341aef HEAD
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bench=${BENCH:-submit}
if [ "$bench" = submit ]; then export BENCH_ROWS=${BENCH_ROWS:-paused}; fi
for commit in "$@"; do
  dir=$(mktemp -d /tmp/oca-bench-XXXXXX)
  git -C "$root" worktree add -f --detach "$dir" "$commit" >/dev/null 2>&1
  trap 'git -C "$root" worktree remove --force "$dir" 2>/dev/null || true' EXIT
  (
    cd "$dir"
    pnpm install --frozen-lockfile --offline >/dev/null
    cp "$root"/scripts/bench-*.ts scripts/
    mkdir -p scripts/lib && cp "$root"/scripts/lib/*.ts scripts/lib/
    echo "== $commit $(git log -1 --format=%s | cut -c1-100)"
    pnpm exec tsx --conditions=development "scripts/bench-$bench.ts" | grep -E '^\| (GET|POST)'
  )
  git -C "$root" worktree remove --force "$dir"
  trap - EXIT
done
