/**
 * Runs the production nginx config (deploy/nginx/nginx.conf) as a foreground child process (test/deploy/nginx.test.ts, pnpm bench:scale):
 * the real file with a short list of explicit substitutions (container addresses, ports, paths),
 * each of which must apply exactly as often as expected, so a change to the real file that the
 * test does not know about fails the test instead of silently testing something else.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type TestPki } from './certificates';
import { REPO_ROOT } from './stack/repo-root';
import { sleep } from './metrics';

export const NGINX_CONF = path.join(REPO_ROOT, 'deploy', 'nginx', 'nginx.conf');
export const NGINX_BINARY = '/usr/sbin/nginx';

/** One edit of the real file: `from` must occur exactly `count` times. */
export interface Substitution {
  why: string;
  from: string | RegExp;
  /** The replacement; a function gets the match and its groups, as String.replace gives them */
  to: string | ((match: string, ...groups: string[]) => string);
  count: number;
}

/** Applies `substitutions` in order; throws naming the first one that did not match as expected. */
export function substitute(source: string, substitutions: readonly Substitution[]): string {
  let text = source;
  for (const { why, from, to, count } of substitutions) {
    const pattern = typeof from === 'string' ? new RegExp(from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'g') : from;
    if (!pattern.global) throw new Error(`substitution "${why}": the RegExp needs the g flag`);
    const found = text.match(pattern)?.length ?? 0;
    if (found !== count) throw new Error(`${NGINX_CONF}: expected ${count} × ${String(from)} (${why}), found ${found}`);
    text = text.replace(pattern, typeof to === 'function' ? to : () => to);
  }
  return text;
}

export interface NginxTestConfig {
  upstreams: readonly [number, number];
  httpPort: number;
  httpsPort: number;
  pki: TestPki;
  dir: string;
}

/** The real config rewritten for this machine: two local gateways instead of the compose service's replicas. */
export function testConfig({ upstreams, httpPort, httpsPort, pki, dir }: NginxTestConfig): string {
  const text = substitute(readFileSync(NGINX_CONF, 'utf8'), [
    {
      // The compose name resolves to every replica; here, one server line per local gateway.
      why: 'the gateways',
      from: /^( *)server gateway:3000 ([^;\n]*);$/gm,
      to: (_line: string, indent: string, options: string) => upstreams.map((port) => `${indent}server 127.0.0.1:${port} ${options};`).join('\n'),
      count: 1,
    },
    { why: 'plain HTTP port, loopback only', from: 'listen 80 ', to: `listen 127.0.0.1:${httpPort} `, count: 1 },
    { why: 'HTTPS port, loopback only', from: 'listen 443 ', to: `listen 127.0.0.1:${httpsPort} `, count: 1 },
    { why: 'certificate', from: '/etc/nginx/tls/tls.crt', to: pki.files.serverCert, count: 1 },
    { why: 'private key', from: '/etc/nginx/tls/tls.key', to: pki.files.serverKey, count: 1 },
    { why: 'pid file', from: 'pid /var/run/nginx.pid;', to: `pid ${dir}/nginx.pid;`, count: 1 },
    { why: 'error log', from: 'error_log /dev/stderr ', to: `error_log ${dir}/error.log `, count: 1 },
    { why: 'access log', from: 'access_log /dev/stdout ', to: `access_log ${dir}/access.log `, count: 1 },
  ]);
  // Nothing that only exists in the container may be left in a directive (comments aside).
  const directives = text.replace(/#.*$/gm, '');
  for (const leftover of ['gateway:', '/etc/nginx', '/dev/std', '/var/run']) {
    if (directives.includes(leftover)) throw new Error(`the test config still mentions ${leftover}: add a substitution`);
  }
  return text;
}

export interface NginxProcess {
  dir: string;
  /** Parsed lines of the JSON access log */
  accessLog(): Array<Record<string, unknown>>;
  stop(): Promise<void>;
}

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** Starts nginx in the foreground (never the system service) with the test config and waits for its ports. */
export async function startNginx(options: Omit<NginxTestConfig, 'dir'>): Promise<NginxProcess> {
  const dir = mkdtempSync(path.join(tmpdir(), 'oca-nginx-'));
  const conf = path.join(dir, 'nginx.conf');
  writeFileSync(conf, testConfig({ ...options, dir }));
  const output: string[] = [];
  const child: ChildProcess = spawn(NGINX_BINARY, ['-c', conf, '-p', `${dir}/`, '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) stream?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const errorLog = () => (existsSync(path.join(dir, 'error.log')) ? readFileSync(path.join(dir, 'error.log'), 'utf8') : '');
  const deadline = Date.now() + 10_000;
  while (!((await portOpen(options.httpsPort)) && (await portOpen(options.httpPort)))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`nginx did not start: ${output.join('')}${errorLog()}`);
    }
    await sleep(50);
  }
  return {
    dir,
    accessLog: () =>
      readFileSync(path.join(dir, 'access.log'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGQUIT'); // graceful: finish open requests, then exit
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface HttpsAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface HttpsRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Source address of the connection (any 127.0.0.0/8 address is this machine) */
  localAddress?: string;
  agent?: https.Agent;
}

/** One HTTPS request to nginx on 127.0.0.1, verifying its certificate against the test CA. */
export function httpsRequest(port: number, ca: string, urlPath: string, options: HttpsRequestOptions = {}): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port,
        path: urlPath,
        method: options.method ?? 'GET',
        headers: options.headers,
        ca,
        servername: 'localhost',
        localAddress: options.localAddress,
        agent: options.agent ?? false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
