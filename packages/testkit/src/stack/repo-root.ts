import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The directory holding pnpm-workspace.yaml above `from`. Found by walking up rather than by a
 * fixed number of `..`, so it is the same from src/ (tsx, jest) and from a built dist/.
 */
export function findRepoRoot(from: string = __dirname): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no pnpm-workspace.yaml above ${from}`);
  }
}

/** Root of this monorepo: the services are started from here (`services/<name>/src/main.ts`). */
export const REPO_ROOT = findRepoRoot();
