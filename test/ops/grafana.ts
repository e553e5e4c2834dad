/**
 * Helpers for test/ops: read deploy/grafana (dashboards and provisioning) and turn panel queries
 * into what Prometheus or PostgreSQL can run — Grafana's variables and macros replaced by
 * concrete values, the way Grafana would for a recent time range.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { ROOT } from './promtool';

export const GRAFANA_DIR = path.join(ROOT, 'deploy/grafana');
export const DASHBOARDS_DIR = path.join(GRAFANA_DIR, 'dashboards');
export const PROVISIONING_DIR = path.join(GRAFANA_DIR, 'provisioning');

const DatasourceRef = z.object({ type: z.string(), uid: z.string() });
const Target = z.object({
  refId: z.string(),
  datasource: DatasourceRef,
  expr: z.string().optional(),
  rawSql: z.string().optional(),
  format: z.string().optional(),
});
const Panel = z.object({
  id: z.number(),
  type: z.string(),
  title: z.string(),
  description: z.string().optional(),
  datasource: DatasourceRef.optional(),
  gridPos: z.object({ x: z.number(), y: z.number(), w: z.number(), h: z.number() }),
  fieldConfig: z.object({ defaults: z.object({ unit: z.string().optional() }).loose() }).loose().optional(),
  targets: z.array(Target).optional(),
});
const Variable = z.object({ name: z.string(), type: z.string(), query: z.unknown().optional() }).loose();
export const Dashboard = z
  .object({
    uid: z.string(),
    title: z.string(),
    tags: z.array(z.string()),
    schemaVersion: z.number(),
    refresh: z.string(),
    panels: z.array(Panel),
    templating: z.object({ list: z.array(Variable) }),
  })
  .loose();
export type Dashboard = z.infer<typeof Dashboard>;
export type Panel = z.infer<typeof Panel>;

export interface DashboardFile {
  file: string;
  dashboard: Dashboard;
}

export function dashboardFiles(): string[] {
  return readdirSync(DASHBOARDS_DIR).sort();
}

export function loadDashboards(): DashboardFile[] {
  return dashboardFiles()
    .filter((f) => f.endsWith('.json'))
    .map((file) => ({ file, dashboard: Dashboard.parse(JSON.parse(readFileSync(path.join(DASHBOARDS_DIR, file), 'utf8'))) }));
}

export function loadProvisioning(kind: 'datasources' | 'dashboards'): any {
  return parse(readFileSync(path.join(PROVISIONING_DIR, kind, `${kind}.yml`), 'utf8'));
}

export interface PanelQuery {
  dashboard: string;
  panel: string;
  refId: string;
  /** The query as the dashboard has it */
  raw: string;
  /** The query with variables and macros replaced */
  query: string;
}

/** What Grafana would put in for a dashboard variable or macro (1 m rate windows over 15 s scrapes; every service). */
const PROMQL_SUBSTITUTIONS: Record<string, string> = {
  __rate_interval: '1m',
  __interval: '15s',
  __range: '5m',
  service: '.*',
};

/** Replaces `$name` / `${name}` by PROMQL_SUBSTITUTIONS; an unknown variable throws (a test must add it). */
export function substitutePromql(expr: string): string {
  return expr.replace(/\$\{?(\w+)\}?/g, (whole, name: string) => {
    const value = PROMQL_SUBSTITUTIONS[name];
    if (value === undefined) throw new Error(`no test value for ${whole} in ${expr}`);
    return value;
  });
}

/**
 * Grafana's PostgreSQL macros for a time range of the last `days` days. Only the macros the
 * dashboards use; any other `$` throws.
 */
export function substituteSql(sql: string, days = 30): string {
  const out = sql.replace(/\$__timeFilter\((\w+)\)/g, (_m, column: string) => `${column} BETWEEN now() - interval '${days} days' AND now() + interval '1 day'`);
  if (out.includes('$')) throw new Error(`no test value for a macro or variable in ${sql}`);
  return out;
}

function queriesOf(files: DashboardFile[], pick: (target: z.infer<typeof Target>) => string | undefined, substitute: (q: string) => string): PanelQuery[] {
  return files.flatMap(({ file, dashboard }) =>
    dashboard.panels.flatMap((panel) =>
      (panel.targets ?? []).flatMap((target) => {
        const raw = pick(target);
        return raw === undefined ? [] : [{ dashboard: file, panel: panel.title, refId: target.refId, raw, query: substitute(raw) }];
      }),
    ),
  );
}

export const promqlQueries = (files = loadDashboards()) => queriesOf(files, (t) => (t.datasource.type === 'prometheus' ? t.expr : undefined), substitutePromql);
export const sqlQueries = (files = loadDashboards()) => queriesOf(files, (t) => (t.datasource.type === 'grafana-postgresql-datasource' ? t.rawSql : undefined), substituteSql);
