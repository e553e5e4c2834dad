/**
 * deploy/docker/Dockerfile, parsed with dockerfile-ast (no Docker engine here): every base image
 * pinned by tag and digest; the build installs from the frozen lockfile, builds, and makes the
 * service's folder with the same script test/deploy/production-build.test.ts starts; each service's
 * image runs that folder only, as a non-root user under tini, with NODE_ENV=production, the heap
 * settings docs/benchmarks.md recommends, its ports exposed and a health check on its ops port;
 * no ENV or ARG carries a secret. And .dockerignore keeps local and secret files out of the context.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DockerfileParser, type Dockerfile, type From, type Instruction } from 'dockerfile-ast';
import { REPO_ROOT, SERVICES, type ServiceName } from '@oca/testkit';
import { BUILD_SERVICE_SCRIPT, DEV_ONLY_PACKAGES, SERVICE_PORTS } from './recipe';

const read = (file: string) => readFileSync(path.join(REPO_ROOT, file), 'utf8');
const dockerfile: Dockerfile = DockerfileParser.parse(read('deploy/docker/Dockerfile'));

interface Stage {
  from: From;
  name: string | null;
  instructions: Instruction[];
}

/** Instructions grouped by the FROM that opens their stage, in file order. */
function stages(): Stage[] {
  const result: Stage[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === 'FROM') {
      const from = instruction as From;
      result.push({ from, name: from.getBuildStage(), instructions: [] });
    } else {
      result.at(-1)?.instructions.push(instruction);
    }
  }
  return result;
}

const allStages = stages();
const stageNames = new Set(allStages.map((s) => s.name).filter((n): n is string => n !== null));
const stageNamed = (name: string): Stage => {
  const stage = allStages.find((s) => s.name === name);
  if (!stage) throw new Error(`no stage named ${name}`);
  return stage;
};

/** A stage and the stages it is built FROM, nearest first: what the image of that stage inherits. */
function chain(name: string): Stage[] {
  const result: Stage[] = [];
  for (let stage: Stage | undefined = stageNamed(name); stage; ) {
    result.push(stage);
    const base: string = stage.from.getImage() ?? '';
    stage = stageNames.has(base) ? stageNamed(base) : undefined;
  }
  return result;
}

/** The last instruction with `keyword` in a stage's chain (later stages override earlier ones). */
const effective = (name: string, keyword: string): Instruction | undefined =>
  chain(name)
    .map((stage) => stage.instructions.filter((i) => i.getKeyword() === keyword).at(-1))
    .find(Boolean);

/** ENV values a stage's image carries: name → value. */
function envOf(name: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const stage of chain(name).reverse()) {
    for (const instruction of stage.instructions.filter((i) => i.getKeyword() === 'ENV')) {
      for (const property of (instruction as unknown as { getProperties(): { getName(): string; getValue(): string | null }[] }).getProperties()) {
        env[property.getName()] = property.getValue() ?? '';
      }
    }
  }
  return env;
}

const runs = (stage: Stage) => stage.instructions.filter((i) => i.getKeyword() === 'RUN').map((i) => i.getArgumentsContent() ?? '');
const externalFroms = allStages.map((s) => s.from).filter((from) => !stageNames.has(from.getImage() ?? '') && from.getImage() !== '${SERVICE}');

describe('base images', () => {
  it('are pinned by version tag and sha256 digest on every FROM, never latest', () => {
    expect(externalFroms.length).toBeGreaterThanOrEqual(2);
    for (const from of externalFroms) {
      expect(from.getImageTag()).toMatch(/^20\.\d+\.\d+-bookworm-slim$/);
      expect(from.getImageDigest()).toMatch(/^sha256:[0-9a-f]{64}$/);
    }
    expect(dockerfile.getInstructions().map((i) => i.getArgumentsContent() ?? '').filter((text) => /:latest\b/.test(text))).toEqual([]);
  });

  it('are one reference for the build and the runtime stage', () => {
    expect(new Set(externalFroms.map((from) => from.getImage())).size).toBe(1);
  });

  it('name only stages defined above them otherwise', () => {
    const seen = new Set<string>();
    for (const stage of allStages) {
      const image = stage.from.getImage() ?? '';
      if (!externalFroms.includes(stage.from) && image !== '${SERVICE}') expect([image, seen.has(image)]).toEqual([image, true]);
      if (stage.name) seen.add(stage.name);
    }
  });
});

describe('the build stage', () => {
  const build = stageNamed('build');
  const commands = runs(build);
  const indexOf = (pattern: RegExp) => commands.findIndex((c) => pattern.test(c));

  it('installs the pnpm version package.json names, from the frozen lockfile, then builds', () => {
    const packageManager = JSON.parse(read('package.json')).packageManager as string;
    expect(packageManager).toMatch(/^pnpm@\d+\.\d+\.\d+$/);
    expect(commands[indexOf(/npm install -g/)]).toContain('packageManager');
    const install = indexOf(/^pnpm install --frozen-lockfile$/);
    const build = indexOf(/^pnpm build$/);
    expect(install).toBeGreaterThan(indexOf(/npm install -g/));
    expect(build).toBeGreaterThan(install);
  });

  it(`makes the service's folder with ${BUILD_SERVICE_SCRIPT}, the recipe the production-build test starts`, () => {
    const deploy = indexOf(new RegExp(`^${BUILD_SERVICE_SCRIPT.replace('.', '\\.')} "\\$SERVICE" /out$`));
    expect(deploy).toBeGreaterThan(indexOf(/^pnpm build$/));
    expect(read('test/deploy/production-build.test.ts')).toContain('path.join(REPO_ROOT, BUILD_SERVICE_SCRIPT)');
  });

  it('runs a recipe that refuses the development packages the production-build test looks for', () => {
    const script = read(BUILD_SERVICE_SCRIPT);
    expect(script).toContain('pnpm --filter "@oca/$service" deploy --prod "$outdir"');
    const listed = /^DEV_ONLY=\(([^)]*)\)/m.exec(script)?.[1]?.trim().split(/\s+/);
    expect(listed?.sort()).toEqual([...DEV_ONLY_PACKAGES].sort());
  });
});

describe('the runtime stage', () => {
  const runtime = stageNamed('runtime');

  it('copies nothing but the folder the recipe made', () => {
    const copies = runtime.instructions.filter((i) => i.getKeyword() === 'COPY' || i.getKeyword() === 'ADD');
    expect(copies.map((c) => [c.getKeyword(), (c as unknown as { getFromFlag(): { getValue(): string } | null }).getFromFlag()?.getValue(), c.getArgumentsContent()])).toEqual([
      ['COPY', 'build', '/out/ /app/'],
    ]);
  });

  it('installs tini from Debian at a pinned version', () => {
    expect(runs(runtime).join('\n')).toMatch(/apt-get install -y --no-install-recommends tini=\S+/);
  });

  it('recommends in NODE_OPTIONS the heap setting docs/benchmarks.md recommends', () => {
    const options = envOf('runtime').NODE_OPTIONS ?? '';
    expect(options).toContain('--max-semi-space-size=64');
    expect(read('docs/benchmarks.md').match(/NODE_OPTIONS=[^\s`]+/g)).toContain(`NODE_OPTIONS=${options}`);
  });
});

describe.each([...SERVICES])('the %s image', (service: ServiceName) => {
  const ports = SERVICE_PORTS[service];

  it('is a stage the SERVICE build argument selects', () => {
    expect(dockerfile.getInitialARGs().map((a) => a.getProperty()?.getName())).toContain('SERVICE');
    expect(allStages.at(-1)?.from.getImage()).toBe('${SERVICE}');
    expect(stageNames.has(service)).toBe(true);
    expect(chain(service).map((s) => s.name)).toEqual([service, 'runtime']);
  });

  it('runs as a non-root numeric user under tini, node dist/main.js with NODE_ENV=production', () => {
    const user = effective(service, 'USER')?.getArgumentsContent() ?? '';
    expect(user).toMatch(/^\d+(:\d+)?$/);
    expect(Number(user.split(':')[0])).toBeGreaterThan(0);
    const entrypoint = JSON.parse(effective(service, 'ENTRYPOINT')?.getArgumentsContent() ?? 'null') as string[];
    expect(entrypoint[0]).toMatch(/\/tini$/);
    expect(JSON.parse(effective(service, 'CMD')?.getArgumentsContent() ?? 'null')).toEqual(['node', 'dist/main.js']);
    expect(envOf(service).NODE_ENV).toBe('production');
  });

  it("exposes its ports at the defaults of the service's env.ts", () => {
    const env = envOf(service);
    const expected = { [ports.opsVariable]: ports.opsPort, ...ports.public };
    const source = read(`services/${service}/src/env.ts`);
    for (const [variable, port] of Object.entries(expected)) {
      expect([variable, env[variable]]).toEqual([variable, String(port)]);
      expect(source).toMatch(new RegExp(`${variable}: envInt\\(${port},`));
    }
    const exposed = stageNamed(service).instructions.filter((i) => i.getKeyword() === 'EXPOSE').flatMap((i) => i.getArguments().map((a) => a.getValue()));
    expect(exposed.sort()).toEqual(Object.values(expected).map(String).sort());
  });

  it('checks its health on the ops port with node (no curl in slim)', () => {
    const healthcheck = effective(service, 'HEALTHCHECK');
    const raw = healthcheck?.getArgumentsContent() ?? '';
    const command = JSON.parse(raw.replace(/^CMD\s+/, '')) as string[];
    expect(command.slice(0, 2)).toEqual(['node', '-e']);
    expect(command[2]).toContain(`process.env.${ports.opsVariable}`);
    expect(command[2]).toContain("'/health'");
    expect(command[2]).toContain('127.0.0.1');
  });
});

describe('secrets', () => {
  const SECRET_NAME = /SECRET|PASSW|TOKEN|KEY|CREDENTIAL|PRIVATE|_URL|DSN|AUTH_/i;

  it('no ENV or ARG of any stage has a name that looks like a secret', () => {
    const names = dockerfile
      .getInstructions()
      .filter((i) => i.getKeyword() === 'ENV' || i.getKeyword() === 'ARG')
      .flatMap((i) => (i as unknown as { getProperties?(): { getName(): string }[]; getProperty?(): { getName(): string } | null }).getProperties?.() ?? [(i as unknown as { getProperty(): { getName(): string } }).getProperty()])
      .map((p) => p.getName());
    expect(names.length).toBeGreaterThan(3);
    // AUTH_METRICS_PORT is auth's ops port, not a credential.
    expect(names.filter((n) => SECRET_NAME.test(n) && n !== 'AUTH_METRICS_PORT')).toEqual([]);
  });

  it('.dockerignore keeps dependencies, builds, git, coverage and secret files out of the context', () => {
    const patterns = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    for (const required of ['**/node_modules', '**/dist', '.git', '**/coverage', 'secrets', '**/*.pem', '**/.env*']) expect(patterns).toContain(required);
  });
});
