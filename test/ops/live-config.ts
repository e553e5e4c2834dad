/**
 * deploy/prometheus/prometheus.yml rewritten for a test stack: the same jobs, relabelling and rule
 * file, with the stack's ports instead of the VM's, its AMQP prefix in the (otherwise commented)
 * prefix relabelling, and 2 s intervals
 * (a scrape times out after one interval: 1 s is too tight on a loaded machine). Each rewrite must find its text, so a change to the real
 * file that this no longer matches fails loudly instead of testing something else.
 */
export interface LiveConfigOptions {
  /** VM port → test port, e.g. 9101 → the test gateway's ops port */
  ports: Record<number, number>;
  /** The stack's AMQP_PREFIX, e.g. `prom-1a2b3c4d.` */
  amqpPrefix: string;
}

function replaceExactly(text: string, pattern: RegExp, replacement: string, times: number): string {
  const found = text.match(new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`))?.length ?? 0;
  if (found !== times) throw new Error(`prometheus.yml: expected ${times} × ${String(pattern)}, found ${found}`);
  return text.replace(new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`), replacement);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function liveConfig(yaml: string, options: LiveConfigOptions): string {
  let text = replaceExactly(yaml, /scrape_interval: 15s/, 'scrape_interval: 2s', 1);
  text = replaceExactly(text, /evaluation_interval: 15s/, 'evaluation_interval: 2s', 1);
  for (const [from, to] of Object.entries(options.ports)) {
    text = replaceExactly(text, new RegExp(`'127\\.0\\.0\\.1:${from}'`), `'127.0.0.1:${to}'`, 1);
  }
  // The commented prefix example: five lines per rule, two rules.
  text = replaceExactly(text, /^(\s*)# (- source_labels: \[queue\]| {2}regex: 'staging\\\.\(\.\*\)'| {2}action: keep| {2}target_label: queue| {2}replacement: '\$1')$/m, '$1$2', 7);
  // YAML single quotes: a backslash is literal, a quote is doubled (the prefix has neither).
  text = replaceExactly(text, /'staging\\\.\(\.\*\)'/, `'${escapeRegExp(options.amqpPrefix)}(.*)'`, 2);
  return text;
}
