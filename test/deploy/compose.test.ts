/**
 * docker-compose.prod.yml, checked without a container engine: Debian's docker-compose validates
 * it (`config -q`) and prints it with every anchor and default resolved; the rules of issue 11 are
 * asserted over that output. The secrets script is run into a temporary folder to show it makes
 * every file the compose file mounts, and the one-VM Prometheus config is checked with promtool.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { loadEnv as analyticsEnv } from '../../services/analytics/src/env';
import { loadEnv as authEnv } from '../../services/auth/src/env';
import { loadEnv as cacheEnv } from '../../services/cache/src/env';
import { loadEnv as executorEnv } from '../../services/agent-executor/src/env';
import { loadEnv as gatewayEnv } from '../../services/gateway/src/env';

const ROOT = path.resolve(__dirname, '../..');
const COMPOSE_FILE = 'docker-compose.prod.yml';

interface Healthcheck {
  test?: string[] | string;
  disable?: boolean;
}
interface ComposeService {
  image: string;
  build?: { args?: Record<string, string> };
  command?: string[] | string;
  entrypoint?: string[] | string;
  environment?: Record<string, string | null>;
  secrets?: { source: string; target?: string }[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: Healthcheck;
  restart?: string;
  profiles?: string[];
  read_only?: boolean;
  cap_drop?: string[];
  security_opt?: string[];
  stop_grace_period?: string;
  /** docker-compose 1.29 prints `SOURCE:TARGET[:MODE]`; see mounts() */
  volumes?: string[];
  /** `HOST_IP:PUBLISHED:TARGET/PROTO`, or `{ published, target }` without a host IP */
  ports?: (string | { published: number; target: number })[];
  networks?: Record<string, { ipv4_address?: string } | null>;
  deploy?: { replicas?: number; resources?: { limits?: { cpus?: number | string; memory?: string } } };
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  secrets: Record<string, { file: string }>;
  networks: Record<string, { internal?: boolean } | null>;
}

/** Our services, the default of each one's ops port (from its own env.ts) and its variable. */
const OPS_PORTS = {
  gateway: { variable: 'GATEWAY_METRICS_PORT', port: gatewayEnv({}).GATEWAY_METRICS_PORT },
  'agent-executor': { variable: 'EXECUTOR_METRICS_PORT', port: executorEnv({}).EXECUTOR_METRICS_PORT },
  auth: { variable: 'AUTH_METRICS_PORT', port: authEnv({}).AUTH_METRICS_PORT },
  cache: { variable: 'CACHE_METRICS_PORT', port: cacheEnv({}).CACHE_METRICS_PORT },
  analytics: { variable: 'ANALYTICS_METRICS_PORT', port: analyticsEnv({}).ANALYTICS_METRICS_PORT },
} as const;
const OCA_SERVICES = Object.keys(OPS_PORTS) as (keyof typeof OPS_PORTS)[];
/** Services that own a schema: those with a migrations/ folder. */
const SCHEMA_OWNERS = readdirSync(path.join(ROOT, 'services')).filter((s) => existsSync(path.join(ROOT, 'services', s, 'migrations')));
const DATASTORES = ['rabbitmq', 'postgres', 'redis'];
/** The services' default (packages/config commonEnv). */
const SHUTDOWN_DEADLINE_MS = gatewayEnv({}).SHUTDOWN_DEADLINE_MS;

/**
 * Files other parts of issue 11 add (Dockerfile, nginx, backups, dashboards). Until they are
 * merged the existence check skips them; once they are, empty this list.
 */
const PROVIDED_ELSEWHERE = ['deploy/docker/Dockerfile'];

function dockerCompose(args: string[]) {
  // OCA_VERSION unset: the file's own default tag is what is checked.
  const env = { ...process.env };
  delete env.OCA_VERSION;
  const run = spawnSync('docker-compose', ['-f', COMPOSE_FILE, ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
  if (run.error) throw new Error(`docker-compose could not run (${run.error.message}); apt-get install docker-compose`);
  return run;
}

const seconds = (duration: string) => {
  const match = /^(?:(\d+)m)?(?:(\d+)s)?$/.exec(duration);
  if (!match) throw new Error(`unexpected duration ${duration}`);
  return Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0);
};
const isOneShot = (name: string, s: ComposeService) => name.startsWith('migrate-') || (s.profiles ?? []).length > 0;
interface Mount {
  type: 'bind' | 'volume';
  source: string;
  target: string;
}
/** A service's mounts; a source that is an absolute path is a bind mount of a host path. */
const mounts = (s: ComposeService): Mount[] =>
  (s.volumes ?? []).map((v) => {
    const [source = '', target = ''] = v.split(':');
    return { type: source.startsWith('/') ? 'bind' : 'volume', source, target };
  });
const mountFrom = (s: ComposeService, target: string) => mounts(s).find((m) => m.target === target);
/** Host paths mounted, relative to the repository, with their targets. */
const repoMounts = (s: ComposeService) => mounts(s).filter((m) => m.type === 'bind').map((m) => [path.relative(ROOT, m.source), m.target]);
const commandText = (c: string[] | string | undefined) => (Array.isArray(c) ? c.join(' ') : (c ?? ''));

let compose: ComposeFile;
let services: [string, ComposeService][];

beforeAll(() => {
  const run = dockerCompose(['config']);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  compose = parse(run.stdout) as ComposeFile;
  services = Object.entries(compose.services);
});

it('passes `docker-compose config -q`', () => {
  const run = dockerCompose(['config', '-q']);
  expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
});

it('runs every service of ours, the datastores, monitoring, exporters and nginx', () => {
  expect(Object.keys(compose.services).sort()).toEqual(
    [
      ...OCA_SERVICES,
      ...SCHEMA_OWNERS.map((s) => `migrate-${s}`),
      ...DATASTORES,
      'influxdb',
      'prometheus',
      'alertmanager',
      'grafana',
      'redis-exporter',
      'postgres-exporter',
      'nginx',
      'backup',
    ].sort(),
  );
  expect(compose.services.gateway!.deploy?.replicas).toBe(3);
  expect(compose.services.auth!.deploy?.replicas).toBe(2);
  expect(compose.services['agent-executor']!.deploy?.replicas).toBeGreaterThanOrEqual(1);
});

describe('every service', () => {
  it('has a restart policy, CPU and memory limits', () => {
    for (const [name, s] of services) {
      expect({ name, restart: s.restart }).toEqual({ name, restart: isOneShot(name, s) ? expect.stringMatching(/^(on-failure|no)$/) : 'unless-stopped' });
      expect({ name, limits: s.deploy?.resources?.limits }).toEqual({ name, limits: { cpus: expect.anything(), memory: expect.stringMatching(/^\d+[MG]$/) } });
    }
  });

  it('that keeps running has a healthcheck', () => {
    for (const [name, s] of services.filter(([n, svc]) => !isOneShot(n, svc))) {
      expect({ name, disabled: s.healthcheck?.disable ?? false, test: commandText(s.healthcheck?.test).length > 0 }).toEqual({ name, disabled: false, test: true });
    }
  });

  it('runs a pinned image: a version tag (never latest), a digest where one is pinned', () => {
    for (const [name, s] of services) {
      expect({ name, image: s.image }).toEqual({ name, image: expect.stringMatching(/^[a-z0-9./_-]+:v?\d+(\.\d+)*[\w.-]*(@sha256:[0-9a-f]{64})?$/) });
      expect(s.image).not.toMatch(/:latest\b/);
    }
  });

  it('has no secret in its environment: secrets come as <NAME>_FILE pointing at a mounted secret', () => {
    const secretName = /(PASSWORD|PASS|SECRET|TOKEN|PRIVATE_KEY|SIGNING_KEY|API_KEY)$/;
    for (const [name, s] of services) {
      const mounted = new Map((s.secrets ?? []).map((x) => [x.target ?? `/run/secrets/${x.source}`, x.source]));
      for (const [key, value] of Object.entries(s.environment ?? {})) {
        const where = `${name}: ${key}`;
        if (key.endsWith('_FILE')) {
          expect({ where, mounted: mounted.has(value ?? '') }).toEqual({ where, mounted: true });
          continue;
        }
        expect({ where, secretName: secretName.test(key) }).toEqual({ where, secretName: false });
        // No credentials in any URL (amqp://user:pass@…, postgres://…, redis://:pass@…).
        expect({ where, value }).not.toEqual({ where, value: expect.stringMatching(/^[a-z]+:\/\/[^/\s]*:[^/\s]*@/) });
      }
      for (const part of [commandText(s.command), commandText(s.entrypoint)]) expect(part).not.toMatch(/requirepass \w|password[=: ]+\w/i);
    }
  });

  it('mounts only files of the repository that exist, and secrets from git-ignored ./secrets/', () => {
    expect(services.flatMap(([, s]) => repoMounts(s)).length).toBeGreaterThan(5);
    for (const [name, s] of services) {
      for (const v of mounts(s).filter((m) => m.type === 'bind')) {
        const relative = path.relative(ROOT, v.source);
        if (PROVIDED_ELSEWHERE.includes(relative)) continue;
        expect({ name, relative, exists: existsSync(v.source) }).toEqual({ name, relative, exists: true });
      }
    }
    for (const [name, { file }] of Object.entries(compose.secrets)) {
      expect({ name, dir: path.relative(ROOT, path.dirname(file)) }).toEqual({ name, dir: 'secrets' });
    }
    expect(readFileSync(path.join(ROOT, '.gitignore'), 'utf8').split('\n')).toContain('/secrets/');
  });
});

describe('our services', () => {
  it.each(OCA_SERVICES)('%s: image oca/<name>, built with SERVICE=<name>, unprivileged and read-only', (name) => {
    const s = compose.services[name]!;
    expect(s.image).toMatch(new RegExp(`^oca/${name}:\\d+\\.\\d+\\.\\d+$`));
    expect(s.build?.args).toEqual({ SERVICE: name });
    expect(s.read_only).toBe(true);
    expect(s.cap_drop).toEqual(['ALL']);
    expect(s.security_opt).toContain('no-new-privileges:true');
    expect(s.environment?.NODE_ENV).toBe('production');
  });

  it.each(OCA_SERVICES)('%s: starts after every migration completed and the broker and databases are healthy', (name) => {
    const dependsOn = compose.services[name]!.depends_on ?? {};
    for (const owner of SCHEMA_OWNERS) expect(dependsOn[`migrate-${owner}`]).toEqual({ condition: 'service_completed_successfully' });
    for (const store of DATASTORES) expect(dependsOn[store]).toEqual({ condition: 'service_healthy' });
  });

  it.each(OCA_SERVICES)('%s: the ops port the healthcheck and Prometheus use is the service\'s own', (name) => {
    const s = compose.services[name]!;
    const { variable, port } = OPS_PORTS[name];
    expect(s.environment?.[variable]).toBe(String(port));
    expect(commandText(s.healthcheck?.test)).toContain(`http://127.0.0.1:${port}/ready`);
    const scrape = parse(readFileSync(path.join(ROOT, 'deploy/prometheus/prometheus.compose.yml'), 'utf8')) as {
      scrape_configs: { job_name: string; dns_sd_configs?: { names: string[]; port: number }[] }[];
    };
    expect(scrape.scrape_configs.find((j) => j.job_name === `oca-${name}`)?.dns_sd_configs).toEqual([{ names: [name], type: 'A', port }]);
  });

  it.each(OCA_SERVICES)('%s: is given longer than SHUTDOWN_DEADLINE_MS to stop', (name) => {
    const s = compose.services[name]!;
    const deadline = Number(s.environment?.SHUTDOWN_DEADLINE_MS ?? SHUTDOWN_DEADLINE_MS);
    expect(seconds(s.stop_grace_period ?? '10s') * 1000).toBeGreaterThan(deadline);
  });

  it('one migration service per schema owner runs its migrate command in that service\'s image', () => {
    for (const owner of SCHEMA_OWNERS) {
      const s = compose.services[`migrate-${owner}`]!;
      expect(existsSync(path.join(ROOT, 'services', owner, 'src/cli/migrate.ts'))).toBe(true);
      expect(s.image).toBe(compose.services[owner]!.image);
      expect(s.command).toEqual(['node', 'dist/cli/migrate.js']);
      expect(s.depends_on?.postgres).toEqual({ condition: 'service_healthy' });
      // Database settings only: no broker, Redis or signing-key secret.
      expect((s.secrets ?? []).map((x) => x.source)).toEqual(['database_url']);
    }
  });

  it('the gateways believe X-Forwarded-For from nginx only, and only nginx is published', () => {
    const nginx = compose.services.nginx!;
    expect(compose.services.gateway!.environment?.GATEWAY_TRUST_PROXY).toBe(nginx.networks?.edge?.ipv4_address);
    const published = services.filter(([, s]) => (s.ports ?? []).length > 0);
    expect(published.map(([n]) => n)).toContain('nginx');
    for (const [name, s] of published) {
      if (name === 'nginx') continue;
      for (const port of s.ports ?? []) expect({ name, port }).toEqual({ name, port: expect.stringMatching(/^127\.0\.0\.1:/) });
    }
    expect(compose.networks.backend?.internal).toBe(true);
    for (const store of DATASTORES) expect(Object.keys(compose.services[store]!.networks ?? {})).toEqual(['backend']);
  });
});

describe('datastores', () => {
  it('RabbitMQ: management and prometheus plugins, a durable volume, a dedicated user from a secret', () => {
    const s = compose.services.rabbitmq!;
    expect(s.image).toMatch(/^rabbitmq:3\.\d+\.\d+-management/);
    const plugins = mountFrom(s, '/etc/rabbitmq/enabled_plugins');
    expect(readFileSync(plugins?.source ?? 'missing', 'utf8').trim()).toBe('[rabbitmq_management,rabbitmq_prometheus].');
    expect(mountFrom(s, '/var/lib/rabbitmq')?.type).toBe('volume');
    expect(s.secrets).toContainEqual({ source: 'rabbitmq_conf', target: '/etc/rabbitmq/conf.d/20-credentials.conf' });
    // Classic queues on the version 2 storage, from a conf.d file beside the credentials.
    const queues = mountFrom(s, '/etc/rabbitmq/conf.d/10-classic-queues.conf');
    expect(s.volumes).toContainEqual(expect.stringMatching(/10-classic-queues\.conf:ro$/));
    const settings = readFileSync(queues?.source ?? 'missing', 'utf8').split('\n').filter((line) => line.trim() && !line.startsWith('#'));
    expect(settings).toEqual(['classic_queue.default_version = 2']);
  });

  it('PostgreSQL 15 on a volume, the superuser password from a secret; Redis with a password', () => {
    expect(compose.services.postgres!.image).toMatch(/^postgres:15\./);
    expect(compose.services.postgres!.environment?.POSTGRES_PASSWORD_FILE).toBe('/run/secrets/postgres_password');
    expect(mountFrom(compose.services.postgres!, '/var/lib/postgresql/data')?.type).toBe('volume');
    expect(commandText(compose.services.redis!.command)).toContain(`requirepass %s\\n' "$$(cat /run/secrets/redis_password)"`);
    expect(compose.services.influxdb!.image).toMatch(/^influxdb:2\./);
  });
});

describe('monitoring', () => {
  it('Prometheus loads deploy/prometheus/alerts.yml and the one-VM scrape config passes promtool', () => {
    const mounted = repoMounts(compose.services.prometheus!);
    expect(mounted).toContainEqual(['deploy/prometheus/alerts.yml', '/etc/prometheus/alerts.yml']);
    expect(mounted).toContainEqual(['deploy/prometheus/prometheus.compose.yml', '/etc/prometheus/prometheus.yml']);
    const check = spawnSync('promtool', ['check', 'config', 'prometheus.compose.yml'], { cwd: path.join(ROOT, 'deploy/prometheus'), encoding: 'utf8' });
    expect({ status: check.status, output: `${check.stdout}${check.stderr}` }).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  it('Alertmanager routes every severity the alerts use to a receiver that exists', () => {
    const config = parse(readFileSync(path.join(ROOT, 'deploy/alertmanager/alertmanager.yml'), 'utf8')) as {
      route: { receiver: string; routes: { matchers: string[]; receiver: string }[] };
      receivers: { name: string }[];
    };
    const receivers = config.receivers.map((r) => r.name);
    expect(receivers).toContain(config.route.receiver);
    const severities = new Set([...readFileSync(path.join(ROOT, 'deploy/prometheus/alerts.yml'), 'utf8').matchAll(/severity: (\w+)/g)].map((m) => m[1]));
    for (const severity of severities) {
      const route = config.route.routes.find((r) => r.matchers.includes(`severity="${severity}"`));
      expect({ severity, receiver: route && receivers.includes(route.receiver) }).toEqual({ severity, receiver: true });
    }
    expect(repoMounts(compose.services.alertmanager!)).toContainEqual(['deploy/alertmanager/alertmanager.yml', '/etc/alertmanager/alertmanager.yml']);
  });

  it('Grafana is provisioned from deploy/grafana', () => {
    const mounted = repoMounts(compose.services.grafana!);
    expect(mounted).toContainEqual(['deploy/grafana/provisioning', '/etc/grafana/provisioning']);
    expect(mounted).toContainEqual(['deploy/grafana/dashboards', '/var/lib/grafana/dashboards']);
  });
});

describe('scripts/make-secrets.sh', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'oca-secrets-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('makes every secret file the compose file mounts, consistent with each other, and keeps them on a second run', () => {
    const target = path.join(dir, 'secrets');
    const first = spawnSync('bash', [path.join(ROOT, 'scripts/make-secrets.sh'), target], { encoding: 'utf8' });
    expect({ status: first.status, stderr: first.stderr }).toEqual({ status: 0, stderr: '' });
    const made = readdirSync(target).sort();
    expect(made).toEqual(expect.arrayContaining(Object.values(compose.secrets).map((s) => path.basename(s.file))));
    const read = (f: string) => readFileSync(path.join(target, f), 'utf8').trim();
    expect(read('database_url')).toBe(`postgres://oca_app:${read('postgres_app_password')}@postgres:5432/oca`);
    expect(read('amqp_url')).toBe(`amqp://oca:${read('rabbitmq_password')}@rabbitmq:5672`);
    expect(read('redis_url')).toBe(`redis://:${read('redis_password')}@redis:6379`);
    expect(read('rabbitmq.conf')).toContain(`default_pass = ${read('rabbitmq_password')}`);
    expect(read('redis_password')).toMatch(/^[A-Za-z0-9]{32}$/);

    const before = read('database_url');
    const again = spawnSync('bash', [path.join(ROOT, 'scripts/make-secrets.sh'), target], { encoding: 'utf8' });
    expect(again.status).toBe(0);
    expect(again.stdout).toBe('');
    expect(read('database_url')).toBe(before);
  });
});
