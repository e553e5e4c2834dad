/**
 * Helpers for test/ops: run Debian's promtool, and read deploy/prometheus/alerts.yml line by line
 * (the file is ours and written in one shape: `- alert:` blocks with `expr:` and two-space YAML),
 * so no YAML dependency is needed.
 */
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');
export const PROMETHEUS_DIR = path.join(ROOT, 'deploy/prometheus');
export const ALERTS_FILE = path.join(PROMETHEUS_DIR, 'alerts.yml');
export const TESTS_DIR = path.join(PROMETHEUS_DIR, 'tests');
export const RUNBOOK_FILE = path.join(ROOT, 'docs/operations.md');

export interface ToolResult {
  status: number | null;
  /** stdout and stderr together, for the failure message */
  output: string;
}

/** Runs promtool; a missing binary is reported as such (CI installs Debian's `prometheus`). */
export function promtool(args: string[], cwd = PROMETHEUS_DIR): ToolResult {
  const run = spawnSync('promtool', args, { cwd, encoding: 'utf8', timeout: 60_000 });
  if (run.error) return { status: null, output: `promtool could not run (${run.error.message}); apt-get install prometheus` };
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** The same, without blocking: independent runs (one per rule test file) overlap. */
export function promtoolAsync(args: string[], cwd = PROMETHEUS_DIR): Promise<ToolResult> {
  return new Promise((resolve) => {
    execFile('promtool', args, { cwd, encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (err as NodeJS.ErrnoException & { code?: unknown }).code : 0;
      if (typeof code === 'string') return resolve({ status: null, output: `promtool could not run (${code}); apt-get install prometheus` });
      resolve({ status: typeof code === 'number' ? code : 1, output: `${stdout}${stderr}` });
    });
  });
}

/** Throws with promtool's own output, so a failing check shows why. */
export function expectSuccess(result: ToolResult): void {
  if (result.status !== 0) throw new Error(`promtool exited ${String(result.status)}:\n${result.output}`);
}

export function ruleTestFiles(dir = TESTS_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.test.yml'))
    .sort();
}

export interface AlertBlock {
  name: string;
  /** The PromQL expression (a one-line `expr:` or an `expr: |` block) */
  expr: string;
  /** The block's lines, from `- alert:` to the next rule or group */
  text: string;
}

export function alertBlocks(yaml = readFileSync(ALERTS_FILE, 'utf8')): AlertBlock[] {
  return yaml
    .split(/^(?=[ \t]*- alert: )/m)
    .slice(1)
    .map((block) => {
      const text = block.split(/^[ \t]*- name: /m)[0] ?? block;
      return { name: /- alert: (\S+)/.exec(text)?.[1] ?? '', expr: exprOf(text), text };
    });
}

function exprOf(text: string): string {
  const inline = /^[ \t]*expr: (?!\|)(.+)$/m.exec(text)?.[1];
  if (inline !== undefined) return inline.trim();
  const block = /^([ \t]*)expr: \|\n((?:\1[ \t]+.*\n?)+)/m.exec(text)?.[2] ?? '';
  return block.trim();
}

/**
 * Metric names an expression reads: snake_case words that are not label names (followed by a
 * matcher; `==` is a comparison) or functions (followed by a parenthesis), plus `up`.
 */
export function metricNamesOf(expr: string): string[] {
  const names = new Set<string>();
  for (const m of expr.matchAll(/\b([a-z][a-z0-9]*(?:_[a-z0-9]+)+|up)\b(?!\s*(?:=(?!=)|!=|!~|\())/g)) names.add(m[1] ?? '');
  return [...names].sort();
}

/**
 * The alerts file with every `expr` replaced by `replacement` (multi-line `expr: |` bodies too):
 * a mutant for proving that each rule test depends on its rule.
 */
export function replaceExpressions(yaml: string, replacement: string): string {
  const out: string[] = [];
  let skipDeeperThan = -1;
  for (const line of yaml.split('\n')) {
    const indent = line.length - line.trimStart().length;
    if (skipDeeperThan >= 0 && (line.trim() === '' || indent > skipDeeperThan)) continue;
    skipDeeperThan = -1;
    const indentOfExpr = /^(\s*)expr:/.exec(line)?.[1];
    if (indentOfExpr !== undefined) {
      out.push(`${indentOfExpr}expr: ${replacement}`);
      skipDeeperThan = indentOfExpr.length;
      continue;
    }
    out.push(line);
  }
  return out.join('\n');
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const [, title = ''] of markdown.matchAll(/^#{1,6} (.+)$/gm)) {
    anchors.add(
      title
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    );
  }
  return anchors;
}
