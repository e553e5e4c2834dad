import type { Principal, Role } from '@oca/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { DomainError } from '../errors';

/**
 * Every Redis decision of an authenticated request in ONE round trip (one EVALSHA): the per-IP
 * ceiling, the cached API-key verification or the token's version check, and the per-route caller
 * limit. The counters are @fastify/rate-limit's (same keys, same fixed windows: INCR, PEXPIRE on
 * the first hit, else PTTL), so limits keep counting across a deploy and the public routes, which
 * still use the plugin, share the per-IP ceiling's bucket.
 *
 * KEYS[1] the per-IP counter ('' once counted); KEYS[2] a cached credential ('' when none).
 * ARGV: 1 window ms; 2 per-IP max; 3-4 the token-version key around a user id; 5 the route's
 * caller-key prefix ('' = charge nothing); 6 caller max by role (JSON); 7 caller id ('' = from the
 * cached credential); 8 its max; 9 user id whose version to read ('' = none); 10 the credential's
 * token version ('' = unknown).
 *
 * Answers {ipCount, ipTtl, cached, currentVersion, callerCount, callerTtl, callerMax, callerId}, cut short:
 * after the IP counter when it is over its max (nothing else is read or spent: 429 before 401),
 * after `cached` when no credential is cached. The caller is charged only for a credential that
 * is not stale (an account change refuses it: 401, not spent), like the plugin charging after
 * authentication. The version key is derived in the script from the cached entry (a key outside
 * KEYS: fine on one Redis or a replica set, not on Redis Cluster, which this product does not use).
 */
const GATE = `local function hit(key, window)
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('PEXPIRE', key, window) return n, window end
  return n, redis.call('PTTL', key)
end
local window = tonumber(ARGV[1])
local ipCount, ipTtl = 0, 0
if KEYS[1] ~= '' then
  ipCount, ipTtl = hit(KEYS[1], window)
  if ipCount > tonumber(ARGV[2]) then return {ipCount, ipTtl} end
end
local cached = false
local callerId, callerMax, userId, version = ARGV[7], tonumber(ARGV[8]), ARGV[9], tonumber(ARGV[10])
if KEYS[2] ~= '' then
  cached = redis.call('GET', KEYS[2])
  if not cached then return {ipCount, ipTtl, false} end
  local ok, d = pcall(cjson.decode, cached)
  if not ok or type(d) ~= 'table' or type(d.userId) ~= 'string' or type(d.tokenVersion) ~= 'number' then return {ipCount, ipTtl, cached, false} end
  userId, version, callerId = d.userId, d.tokenVersion, 'user:' .. d.userId
  callerMax = cjson.decode(ARGV[6])[d.role]
end
local current = false
if userId ~= '' then current = redis.call('GET', ARGV[3] .. userId .. ARGV[4]) end
if current and (not version or version < tonumber(current)) then return {ipCount, ipTtl, cached, current} end
if ARGV[5] == '' or callerId == '' or not callerMax then return {ipCount, ipTtl, cached, current} end
local n, ttl = hit(ARGV[5] .. callerId, window)
return {ipCount, ipTtl, cached, current, n, ttl, callerMax, callerId}`;

/** Refunds a charge that was never applied (the request failed before its handler's turn). */
const REFUND = `local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n > 0 then redis.call('DECR', KEYS[1]) end
return 0`;

type GateAnswer = [number, number, (string | null)?, (string | null)?, number?, number?, number?, string?];
type WithGate = Redis & {
  ocaRequestGate(ipKey: string, cacheKey: string, ...args: string[]): Promise<GateAnswer>;
  ocaRefundCharge(key: string): Promise<number>;
};

export interface RequestGateOptions {
  redis: Redis;
  /** @fastify/rate-limit's nameSpace: `<prefix>rate-limit:` */
  nameSpace: string;
  /** The token-version key around a user id (REDIS_KEYS.userTokenVersion split at the id) */
  versionKeyParts: readonly [string, string];
  windowMs: number;
  ipPerMinute: number;
  perRolePerMinute: Record<Role, number>;
  /** The caller limit of an anonymous request on an optional-user route, per IP */
  anonymousPerMinute: number;
  /** Builds a 429 (the route policies' DomainError) */
  limited(limit: 'ip' | 'caller', max: number, ttlMs: number): DomainError;
}

/** A counter's state after a hit, as the plugin reports it. */
interface Counted {
  count: number;
  ttlMs: number;
  max: number;
}

/** What the credential lookup of a cached API key answers (ApiKeyVerifier's lookup seam). */
export interface CachedCredential {
  cached: string | null;
  currentVersion: number | null;
}

/**
 * The per-IP ceiling, the credential and the caller limit of authenticated routes. One per gateway;
 * `forRequest` gives the request's own view (what it has counted and charged).
 */
export class RequestGate {
  private readonly redis: WithGate;
  private readonly maxByRole: string;

  constructor(readonly options: RequestGateOptions) {
    // EVALSHA once loaded (ioredis falls back to EVAL after a NOSCRIPT, e.g. a restarted Redis).
    options.redis.defineCommand('ocaRequestGate', { numberOfKeys: 2, lua: GATE });
    options.redis.defineCommand('ocaRefundCharge', { numberOfKeys: 1, lua: REFUND });
    this.redis = options.redis as WithGate;
    this.maxByRole = JSON.stringify(options.perRolePerMinute);
  }

  forRequest(request: FastifyRequest, reply: FastifyReply, clientIp: string): RequestGateCall {
    return new RequestGateCall(this, request, reply, clientIp);
  }

  /** @internal one script call */
  run(ipKey: string, cacheKey: string, callerPrefix: string, callerId: string, callerMax: number | undefined, userId: string, version: number | undefined): Promise<GateAnswer> {
    const { options } = this;
    return this.redis.ocaRequestGate(
      ipKey,
      cacheKey,
      String(options.windowMs),
      String(options.ipPerMinute),
      options.versionKeyParts[0],
      options.versionKeyParts[1],
      callerPrefix,
      this.maxByRole,
      callerId,
      callerMax === undefined ? '' : String(callerMax),
      userId,
      version === undefined ? '' : String(version),
    );
  }

  /** @internal */
  refund(key: string): void {
    this.redis.ocaRefundCharge(key).catch(() => undefined); // best effort: the window ends anyway
  }
}

/**
 * One request's view of the gate. The first call counts the request against its IP's ceiling;
 * the call that learns the caller charges the route's caller limit; the route's preHandler applies
 * that verdict (`applyCaller`), so a request refused by validation or a later check was charged
 * for nothing and is refunded when it ends (`settle`): the budget is spent on served requests only.
 */
export class RequestGateCall {
  private ipCounted = false;
  private charge: (Counted & { key: string; applied: boolean }) | undefined;
  private readonly callerPrefix: string;

  constructor(
    private readonly gate: RequestGate,
    request: FastifyRequest,
    private readonly reply: FastifyReply,
    private readonly clientIp: string,
  ) {
    // @fastify/rate-limit's per-route key: nameSpace + method + route URL + '-' + the caller
    this.callerPrefix = `${gate.options.nameSpace}${request.routeOptions.method}${request.routeOptions.url}-`;
  }

  /**
   * The cached verification of an API key and its owner's token version; counts the IP first
   * and charges the owner when the entry is fresh. Fails closed: 503 when Redis cannot answer.
   */
  async credential(cacheKey: string): Promise<CachedCredential> {
    const answer = await this.call(cacheKey, '', undefined, '', undefined, true);
    return { cached: answer?.[2] ?? null, currentVersion: versionOf(answer?.[3]) };
  }

  /**
   * A principal known without Redis (a verified token, or a stub): counts the IP if not yet done,
   * reads the owner's token version when `tokenVersion` is given (fails closed) and charges the
   * caller unless that version is stale. Answers the current version (null: no change recorded).
   */
  async principal(principal: Principal, tokenVersion?: number): Promise<number | null> {
    const charge = this.charge === undefined;
    const callerId = charge ? `user:${principal.userId}` : '';
    const max = this.gate.options.perRolePerMinute[principal.role];
    const answer = await this.call('', callerId, max, tokenVersion === undefined ? '' : principal.userId, tokenVersion, tokenVersion !== undefined);
    if (answer === undefined && charge) this.charge = { key: this.callerPrefix + callerId, count: 0, ttlMs: 0, max, applied: false };
    return versionOf(answer?.[3]);
  }

  /** An anonymous caller (optional-user routes): charged per IP. */
  async anonymous(): Promise<void> {
    const callerId = `ip:${this.clientIp}`;
    const max = this.gate.options.anonymousPerMinute;
    const answer = await this.call('', callerId, max, '', undefined, false);
    if (answer === undefined) this.charge = { key: this.callerPrefix + callerId, count: 0, ttlMs: 0, max, applied: false };
  }

  /** Counts the request against its IP's ceiling unless done already (429 when over it). */
  async ipAllowed(): Promise<void> {
    if (!this.ipCounted) await this.call('', '', undefined, '', undefined, false);
  }

  get charged(): boolean {
    return this.charge !== undefined;
  }

  /** The route's caller limit, decided by the charge: RateLimit headers, 429 when exceeded. */
  applyCaller(reply: FastifyReply): void {
    const charge = this.charge;
    if (!charge) return;
    charge.applied = true;
    const reset = String(Math.ceil(charge.ttlMs / 1000));
    const exceeded = charge.count > charge.max;
    void reply.headers({ 'ratelimit-limit': String(charge.max), 'ratelimit-remaining': String(exceeded ? 0 : Math.max(0, charge.max - charge.count)), 'ratelimit-reset': reset });
    if (!exceeded) return;
    void reply.header('retry-after', reset);
    throw this.gate.options.limited('caller', charge.max, charge.ttlMs);
  }

  /** When the request ends: a charge its handler never reached is given back. */
  settle(): void {
    if (this.charge && !this.charge.applied && this.charge.count > 0) this.gate.refund(this.charge.key);
  }

  private async call(cacheKey: string, callerId: string, callerMax: number | undefined, userId: string, version: number | undefined, failClosed: boolean): Promise<GateAnswer | undefined> {
    const countIp = !this.ipCounted;
    const ipKey = countIp ? `${this.gate.options.nameSpace}ip:${this.clientIp}` : '';
    const callerPrefix = callerId === '' && cacheKey === '' ? '' : this.charge ? '' : this.callerPrefix;
    if (!countIp && callerPrefix === '' && cacheKey === '' && userId === '') return undefined;
    let answer: GateAnswer;
    try {
      answer = await this.gate.run(ipKey, cacheKey, callerPrefix, callerId, callerMax, userId, version);
    } catch {
      // Limits fail open (a Redis outage must not become an API outage; /ready reports it),
      // credentials fail closed.
      if (failClosed) throw new DomainError('unavailable', 'Cannot check credentials right now; retry shortly');
      this.ipCounted = true;
      return undefined;
    }
    this.ipCounted = true;
    const [ipCount, ipTtl] = answer;
    const { ipPerMinute } = this.gate.options;
    if (countIp && ipCount > ipPerMinute) {
      const seconds = String(Math.ceil(ipTtl / 1000));
      void this.reply.headers({ 'retry-after': seconds, 'ratelimit-limit': String(ipPerMinute), 'ratelimit-remaining': '0', 'ratelimit-reset': seconds });
      throw this.gate.options.limited('ip', ipPerMinute, ipTtl);
    }
    const [, , , , count, ttlMs, max, chargedId] = answer;
    if (typeof count === 'number' && typeof max === 'number' && chargedId) {
      this.charge = { key: this.callerPrefix + chargedId, count, ttlMs: ttlMs ?? 0, max, applied: false };
    }
    return answer;
  }
}

function versionOf(value: string | null | undefined): number | null {
  return value === null || value === undefined ? null : Number(value);
}

