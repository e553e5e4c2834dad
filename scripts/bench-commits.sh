#!/usr/bin/env bash
# Before/after benchmark of submissions across commits: for each commit given, a detached worktree,
# today's scripts/bench-submit.ts copied into it, and `BENCH_ROWS=paused pnpm bench` (the gateway's
# own ceiling, executor stopped). One run after the other, so compare rows within one invocation.
#   bash scripts/bench-commits.sh 0f21f91 e4a26d9 HEAD
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
for commit in "$@"; do
  dir=$(mktemp -d /tmp/oca-bench-XXXXXX)
  git -C "$root" worktree add -f --detach "$dir" "$commit" >/dev/null 2>&1
  trap 'git -C "$root" worktree remove --force "$dir" 2>/dev/null || true' EXIT
  (
    cd "$dir"
    pnpm install --frozen-lockfile --offline >/dev/null
    cp "$root/scripts/bench-submit.ts" scripts/bench-submit.ts
    echo "== $commit $(git log -1 --format=%s)"
    BENCH_ROWS=paused pnpm -s bench | grep '^| POST'
  )
  git -C "$root" worktree remove --force "$dir"
  trap - EXIT
done
