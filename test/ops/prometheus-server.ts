/**
 * Debian's Prometheus binary on a free 127.0.0.1 port with throw-away storage, for tests that
 * evaluate our PromQL against live scrapes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findFreePort, waitForHttp } from '@oca/testkit';
import { z } from 'zod';

const QueryAnswer = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('success'),
    data: z.object({ resultType: z.string(), result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: z.tuple([z.number(), z.string()]) })) }),
  }),
  z.object({ status: z.literal('error'), errorType: z.string(), error: z.string() }),
]);
export type QueryAnswer = z.infer<typeof QueryAnswer>;

const NamesAnswer = z.object({ status: z.literal('success'), data: z.array(z.string()) });
const RulesAnswer = z.object({
  status: z.literal('success'),
  data: z.object({ groups: z.array(z.object({ rules: z.array(z.object({ name: z.string(), health: z.string() })) })) }),
});

export interface PrometheusServer {
  url: string;
  /** An instant query at now; the answer as Prometheus gave it (errors included) */
  query(expr: string): Promise<QueryAnswer>;
  /** Every metric name Prometheus has stored */
  metricNames(): Promise<string[]>;
  /** The alerting rules Prometheus loaded */
  alertRules(): Promise<{ name: string; health: string }[]>;
  /** Prometheus's own log, for failure messages */
  log(): string;
  close(): Promise<void>;
}

export interface StartPrometheusOptions {
  /** prometheus.yml text; rule files it names are copied from `ruleFilesFrom` beside it */
  config: string;
  ruleFilesFrom: string;
  ruleFiles: string[];
}

export async function startPrometheus(options: StartPrometheusOptions): Promise<PrometheusServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'oca-prometheus-'));
  writeFileSync(path.join(dir, 'prometheus.yml'), options.config);
  for (const f of options.ruleFiles) copyFileSync(path.join(options.ruleFilesFrom, f), path.join(dir, f));
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (output += b.toString()));
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    // no binary: reported through the readiness wait below, with this line in the output
    child.once('error', (err) => {
      output += `prometheus could not run (${err.message}); apt-get install prometheus\n`;
      resolve();
    });
  });
  const close = async () => {
    if (child.exitCode === null && child.pid !== undefined) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForHttp(`${url}/-/ready`, 30_000);
  } catch (err) {
    await close();
    throw new Error(`prometheus did not start: ${(err as Error).message}\n${output}`);
  }
  return {
    url,
    query: async (expr) => QueryAnswer.parse(await (await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`)).json()),
    metricNames: async () => NamesAnswer.parse(await (await fetch(`${url}/api/v1/label/__name__/values`)).json()).data,
    alertRules: async () =>
      RulesAnswer.parse(await (await fetch(`${url}/api/v1/rules?type=alert`)).json()).data.groups.flatMap((g) => g.rules),
    log: () => output,
    close,
  };
}
