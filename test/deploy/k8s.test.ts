/**
 * k8s/: both overlays rendered with `kubectl kustomize` (offline), every manifest validated
 * against its schema (kubernetes-models, @kubernetes-models/keda and /prometheus-operator, run
 * by validate-k8s.mjs), and the rules of issue 11 asserted over what would be applied: probes on
 * the ops port, requests and limits, a restricted securityContext, spread, preStop and a grace
 * period beyond SHUTDOWN_DEADLINE_MS, migrations before serving, PDBs, network policies, the
 * gateway's HPA and the executors' KEDA trigger on the real queue name. The generated monitoring
 * and backup files must match their sources (scripts/gen-k8s-monitoring.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { QUEUES } from '@oca/contracts';
import { parseAllDocuments } from 'yaml';
import { loadEnv as analyticsEnv } from '../../services/analytics/src/env';
import { loadEnv as authEnv } from '../../services/auth/src/env';
import { loadEnv as cacheEnv } from '../../services/cache/src/env';
import { loadEnv as executorEnv } from '../../services/agent-executor/src/env';
import { loadEnv as gatewayEnv } from '../../services/gateway/src/env';
import { renderGeneratedFiles, staleFiles } from '../../scripts/gen-k8s-monitoring';

const ROOT = path.resolve(__dirname, '../..');
const OVERLAYS = ['staging', 'production'] as const;

/** Each service's ops port: the default of its own env.ts. */
const OPS_PORTS: Record<string, number> = {
  gateway: gatewayEnv({}).GATEWAY_METRICS_PORT,
  'agent-executor': executorEnv({}).EXECUTOR_METRICS_PORT,
  auth: authEnv({}).AUTH_METRICS_PORT,
  cache: cacheEnv({}).CACHE_METRICS_PORT,
  analytics: analyticsEnv({}).ANALYTICS_METRICS_PORT,
};
const SERVICES = Object.keys(OPS_PORTS);
const SCHEMA_OWNERS = readdirSync(path.join(ROOT, 'services')).filter((s) => existsSync(path.join(ROOT, 'services', s, 'migrations')));
const DEFAULT_SHUTDOWN_DEADLINE_MS = gatewayEnv({}).SHUTDOWN_DEADLINE_MS;

/** A rendered manifest: its fields are checked one by one, so `any` below the top level. */
type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec?: any; data?: any };

function render(overlay: string): Manifest[] {
  const run = spawnSync('kubectl', ['kustomize', path.join('k8s/overlays', overlay)], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  if (run.error) throw new Error(`kubectl could not run (${run.error.message}); apt-get install kubernetes-client`);
  if (run.status !== 0) throw new Error(`kubectl kustomize k8s/overlays/${overlay} failed:\n${run.stderr}`);
  return parseAllDocuments(run.stdout)
    .map((d) => d.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null);
}

function validate(manifests: Manifest[]): { kind: string; name: string; model: string | null; error: string | null }[] {
  const run = spawnSync(process.execPath, [path.join(__dirname, 'validate-k8s.mjs')], { cwd: ROOT, input: JSON.stringify(manifests), encoding: 'utf8', timeout: 60_000 });
  if (run.status !== 0) throw new Error(`validate-k8s.mjs failed:\n${run.stderr}`);
  return JSON.parse(run.stdout);
}

const rendered = Object.fromEntries(OVERLAYS.map((o) => [o, render(o)])) as Record<(typeof OVERLAYS)[number], Manifest[]>;
const find = (manifests: Manifest[], kind: string, name: string) => manifests.find((m) => m.kind === kind && m.metadata.name === name);
const ofKind = (manifests: Manifest[], kind: string) => manifests.filter((m) => m.kind === kind);
const configOf = (manifests: Manifest[]) => manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name.startsWith('oca-config'))!.data as Record<string, string>;

describe.each(OVERLAYS)('overlay %s', (overlay) => {
  const manifests = rendered[overlay];
  const deployment = (name: string) => find(manifests, 'Deployment', name)!;
  const container = (name: string) => deployment(name).spec.template.spec.containers[0];

  it('renders, and every manifest validates against its schema', () => {
    const results = validate(manifests);
    expect(results).toHaveLength(manifests.length);
    expect(results.filter((r) => r.error !== null)).toEqual([]);
    expect(new Set(results.map((r) => r.model))).toEqual(new Set(['kubernetes-models', '@kubernetes-models/keda', '@kubernetes-models/prometheus-operator']));
  });

  it('puts everything in its own restricted namespace and commits no Secret', () => {
    const [namespace] = ofKind(manifests, 'Namespace');
    expect(namespace?.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    for (const m of manifests.filter((x) => x.kind !== 'Namespace')) expect({ m: `${m.kind}/${m.metadata.name}`, ns: m.metadata.namespace }).toEqual({ m: `${m.kind}/${m.metadata.name}`, ns: namespace!.metadata.name });
    expect(ofKind(manifests, 'Secret')).toEqual([]);
  });

  it('runs every image at a pinned version: ours at the overlay tag, never latest', () => {
    const images = manifests.flatMap((m) => {
      const pod = m.kind === 'CronJob' ? m.spec.jobTemplate.spec.template.spec : m.spec?.template?.spec;
      return pod ? [...(pod.initContainers ?? []), ...pod.containers].map((c: { image: string }) => c.image) : [];
    });
    expect(images.length).toBeGreaterThan(SERVICES.length);
    for (const image of images) {
      expect(image).toMatch(/^(oca\/[a-z-]+:\d+\.\d+\.\d+|[a-z0-9./_-]+:[\w.-]*\d[\w.-]*@sha256:[0-9a-f]{64})$/);
      expect(image).not.toMatch(/:latest\b/);
    }
  });

  it.each(SERVICES)('%s: probes on its ops port, requests and limits, a restricted securityContext', (name) => {
    const pod = deployment(name).spec.template.spec;
    const c = container(name);
    expect(c.image).toMatch(new RegExp(`^oca/${name}:`));
    const opsPort = c.ports.find((p: { name: string }) => p.name === 'ops');
    expect(opsPort.containerPort).toBe(OPS_PORTS[name]);
    const envPort = c.env.find((e: { name: string }) => e.name.endsWith('_METRICS_PORT'));
    expect(Number(envPort.value)).toBe(OPS_PORTS[name]);
    expect(c.startupProbe.httpGet).toEqual({ path: '/health', port: 'ops' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'ops' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/health', port: 'ops' });
    for (const kind of ['requests', 'limits']) expect(Object.keys(c.resources[kind]).sort()).toEqual(['cpu', 'memory']);
    for (const x of [c, ...(pod.initContainers ?? [])]) {
      expect(x.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
      expect(Object.keys(x.resources.limits).sort()).toEqual(['cpu', 'memory']);
    }
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.topologySpreadConstraints.map((t: { topologyKey: string }) => t.topologyKey)).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
    for (const t of pod.topologySpreadConstraints) expect(t.labelSelector.matchLabels).toEqual(deployment(name).spec.selector.matchLabels);
  });

  it.each(SERVICES)('%s: stops within its grace period: preStop, then SHUTDOWN_DEADLINE_MS', (name) => {
    const pod = deployment(name).spec.template.spec;
    const c = container(name);
    const preStop = c.lifecycle.preStop.exec.command as string[];
    expect(preStop[0]).toBe('sleep');
    const deadlineMs = Number(configOf(manifests).SHUTDOWN_DEADLINE_MS ?? DEFAULT_SHUTDOWN_DEADLINE_MS);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(Number(preStop[1]) + deadlineMs / 1000);
    expect(c.envFrom).toEqual([{ configMapRef: { name: expect.stringMatching(/^oca-config-/) } }]);
  });

  it.each(SERVICES)('%s: secrets only as files of Secrets it is given by name, and a PodDisruptionBudget', (name) => {
    const pod = deployment(name).spec.template.spec;
    for (const x of [...pod.containers, ...(pod.initContainers ?? [])]) {
      for (const e of x.env ?? []) {
        expect(e.valueFrom).toBeUndefined();
        if (/(URL|KEY|TOKEN|PASSWORD)(_FILE)?$/.test(e.name) && !e.name.endsWith('_FILE')) expect(e.value).not.toMatch(/:\/\/[^/]*:[^/]*@/);
      }
      for (const e of (x.env ?? []).filter((v: { name: string }) => v.name.endsWith('_FILE'))) {
        const mount = x.volumeMounts.find((m: { mountPath: string }) => e.value.startsWith(`${m.mountPath}/`));
        expect({ variable: e.name, mounted: mount?.readOnly }).toEqual({ variable: e.name, mounted: true });
      }
    }
    const pdbs = ofKind(manifests, 'PodDisruptionBudget').filter((p) => p.spec.selector.matchLabels['app.kubernetes.io/name'] === name);
    expect(pdbs).toHaveLength(1);
    expect(pdbs[0]!.spec.maxUnavailable).toBe(1);
  });

  it('migrates each schema in an init container of its service, with the database secret only', () => {
    for (const name of SERVICES) {
      const inits = deployment(name).spec.template.spec.initContainers ?? [];
      if (!SCHEMA_OWNERS.includes(name)) {
        expect(inits).toEqual([]);
        continue;
      }
      expect(inits).toHaveLength(1);
      expect(inits[0].image).toBe(container(name).image);
      expect(inits[0].command).toEqual(['node', 'dist/cli/migrate.js']);
      expect(inits[0].env.map((e: { name: string }) => e.name)).toEqual(['DATABASE_URL_FILE']);
    }
  });

  it('scales the gateway on CPU with an HPA, and the executors on the agent-execution queue with KEDA (no CPU)', () => {
    const hpa = find(manifests, 'HorizontalPodAutoscaler', 'gateway')!;
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'gateway' });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);

    const scaled = find(manifests, 'ScaledObject', 'agent-executor')!;
    expect(scaled.spec.scaleTargetRef.name).toBe('agent-executor');
    expect(scaled.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
    expect(scaled.spec.maxReplicaCount).toBeGreaterThan(scaled.spec.minReplicaCount);
    expect(scaled.spec.cooldownPeriod).toBeGreaterThan(0);
    expect(scaled.spec.triggers).toHaveLength(1);
    const [trigger] = scaled.spec.triggers;
    expect(trigger.type).toBe('rabbitmq');
    expect(trigger.metadata.queueName).toBe(`${configOf(manifests).AMQP_PREFIX ?? ''}${QUEUES.agentExecution}`);
    expect(trigger.metadata.mode).toBe('QueueLength');
    const auth = find(manifests, 'TriggerAuthentication', trigger.authenticationRef.name)!;
    expect(auth.spec.secretTargetRef).toEqual([{ parameter: 'host', name: 'oca-keda-rabbitmq', key: 'host' }]);
    // The autoscalers own the replica counts: an apply must not reset them.
    expect(deployment('gateway').spec.replicas).toBeUndefined();
    expect(deployment('agent-executor').spec.replicas).toBeUndefined();
  });

  it('exposes the gateway through a TLS Ingress and a Service on its http port', () => {
    const ingress = find(manifests, 'Ingress', 'gateway')!;
    const host = ingress.spec.rules[0].host;
    expect(ingress.spec.tls).toEqual([{ hosts: [host], secretName: 'oca-tls' }]);
    expect(ingress.spec.rules[0].http.paths[0].backend.service).toEqual({ name: 'gateway', port: { name: 'http' } });
    const service = find(manifests, 'Service', 'gateway')!;
    expect(service.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http' }]);
    expect(container('gateway').ports.find((p: { name: string }) => p.name === 'http').containerPort).toBe(gatewayEnv({}).GATEWAY_PORT);
  });

  it('denies by default, then allows exactly the architecture\'s flows', () => {
    const policies = ofKind(manifests, 'NetworkPolicy');
    const policy = (name: string) => policies.find((p) => p.metadata.name === name)!.spec;
    expect(policy('default-deny')).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(policy('allow-dns').egress[0].ports.map((p: { port: number }) => p.port)).toEqual([53, 53]);

    const fromIngress = policy('gateway-from-ingress');
    expect(fromIngress.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'gateway' });
    expect(fromIngress.ingress).toHaveLength(1);
    expect(fromIngress.ingress[0].ports).toEqual([{ protocol: 'TCP', port: gatewayEnv({}).GATEWAY_PORT }]);

    const ops = policy('ops-from-prometheus');
    expect(ops.ingress[0].ports.map((p: { port: number }) => p.port).sort()).toEqual(Object.values(OPS_PORTS).sort());

    // Only the gateway accepts traffic from outside the monitoring namespace.
    const ingressPolicies = policies.filter((p) => (p.spec.ingress ?? []).length > 0).map((p) => p.metadata.name).sort();
    expect(ingressPolicies).toEqual(['gateway-from-ingress', 'ops-from-prometheus']);

    const rpc = policy('rpc-egress');
    expect(rpc.podSelector.matchExpressions[0].values.sort()).toEqual(['agent-executor', 'cache']);
    expect(rpc.egress[0].ports).toEqual([{ protocol: 'TCP', port: 443 }]);
    expect(rpc.egress[0].to[0].ipBlock.except).toEqual(expect.arrayContaining(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']));

    const datastorePorts = (name: string) => policy(`${name}-to-datastores`).egress[0].ports.map((p: { port: number }) => p.port);
    expect(datastorePorts('gateway')).toEqual([5672, 5671, 5432, 6379]);
    expect(datastorePorts('auth')).toEqual([5672, 5671, 5432]);
    expect(datastorePorts('agent-executor')).toEqual([5672, 5671, 6379]);
    expect(datastorePorts('cache')).toEqual([5672, 5671, 6379]);
    expect(datastorePorts('analytics')).toEqual([5672, 5671, 5432, 8086]);
  });

  it('monitors every ops port, loads the alert rules and the dashboards, and backs up nightly', () => {
    const monitor = find(manifests, 'PodMonitor', 'oca')!;
    expect(monitor.spec.podMetricsEndpoints[0]).toMatchObject({ port: 'ops', path: '/metrics' });
    expect(monitor.spec.selector.matchExpressions[0].values.sort()).toEqual([...SERVICES].sort());
    const rule = find(manifests, 'PrometheusRule', 'oca-alerts')!;
    const alertNames = rule.spec.groups.flatMap((g: { rules: { alert: string }[] }) => g.rules.map((r) => r.alert));
    const sourceAlerts = [...readFileSync(path.join(ROOT, 'deploy/prometheus/alerts.yml'), 'utf8').matchAll(/- alert: (\w+)/g)].map((m) => m[1]);
    expect(alertNames).toEqual(sourceAlerts);
    expect(find(manifests, 'ConfigMap', 'oca-grafana-dashboards')!.metadata.labels?.grafana_dashboard).toBe('1');

    const cron = find(manifests, 'CronJob', 'backup')!;
    expect(cron.spec.concurrencyPolicy).toBe('Forbid');
    const pod = cron.spec.jobTemplate.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.volumes.find((v: { name: string }) => v.name === 'script').configMap.name).toBe('oca-backup-script');
    expect(pod.containers[0].command.join(' ')).toContain('/opt/oca/backup.sh');
    // The image with curl and bash the scripts need (deploy/docker/backup.Dockerfile), tagged by the overlay.
    expect(pod.containers[0].image).toMatch(/^oca\/backup:\S+$/);
  });
});

it('staging prefixes its queues and the KEDA trigger follows; production uses quorum queues', () => {
  expect(configOf(rendered.staging).AMQP_PREFIX).toBe('staging.');
  expect(find(rendered.staging, 'ScaledObject', 'agent-executor')!.spec.triggers[0].metadata.queueName).toBe(`staging.${QUEUES.agentExecution}`);
  expect(configOf(rendered.production).AMQP_QUEUE_TYPE).toBe('quorum');
});

describe('generated files (scripts/gen-k8s-monitoring.ts)', () => {
  it('are up to date with their sources', () => {
    expect(staleFiles(ROOT)).toEqual([]);
  });

  it('carry every dashboard and the backup script', () => {
    const files = renderGeneratedFiles(ROOT);
    const dashboardsDir = path.join(ROOT, 'deploy/grafana/dashboards');
    const dashboards = existsSync(dashboardsDir) ? readdirSync(dashboardsDir).filter((f) => f.endsWith('.json')) : [];
    const configMap = parseAllDocuments(files['k8s/base/monitoring/grafana-dashboards.yaml']!)[0]!.toJS() as Manifest;
    expect(Object.keys(configMap.data ?? {}).sort()).toEqual(dashboards.sort());
    for (const f of dashboards) expect(JSON.parse(configMap.data[f])).toEqual(JSON.parse(readFileSync(path.join(dashboardsDir, f), 'utf8')));
    const backup = parseAllDocuments(files['k8s/base/backup/backup-script.yaml']!)[0]!.toJS() as Manifest;
    for (const name of ['backup.sh', 'backup-lib.sh']) expect(backup.data[name]).toBe(readFileSync(path.join(ROOT, 'scripts', name), 'utf8'));
  });
});

it('keeps the stateful examples out of the overlays, and they parse', () => {
  const dir = path.join(ROOT, 'k8s/stateful');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  expect(files.length).toBeGreaterThanOrEqual(3);
  const kinds = files.flatMap((f) => parseAllDocuments(readFileSync(path.join(dir, f), 'utf8')).map((d) => (d.toJS() as Manifest).kind));
  expect(kinds).toEqual(expect.arrayContaining(['RabbitmqCluster', 'Cluster', 'ScheduledBackup', 'StatefulSet']));
  for (const overlay of OVERLAYS) expect(rendered[overlay].some((m) => ['RabbitmqCluster', 'Cluster'].includes(m.kind))).toBe(false);
});
