import { z } from 'zod';
import { JobError, JobStatus, MAX_PRIORITY, Role } from './common';

// ---- errors ----

export const ERROR_STATUS = {
  validation_failed: 400,
  invalid_params: 400,
  unknown_agent: 400,
  network_not_configured: 400,
  webhook_url_rejected: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  token_expired: 401,
  forbidden: 403,
  priority_not_allowed: 403,
  registration_closed: 403,
  not_found: 404,
  conflict: 409,
  email_taken: 409,
  idempotency_in_flight: 409,
  job_not_cancelable: 409,
  idempotency_key_reused: 422,
  payload_too_large: 413,
  headers_too_large: 431,
  request_timeout: 408,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

// ---- auth ----

const Email = z.email({ error: 'email must be a valid address' }).max(254).transform((e) => e.toLowerCase());
const Password = z.string().min(12, { error: 'password must be at least 12 characters' }).max(256);

export const RegisterBody = z.strictObject({ email: Email, password: Password });
export type RegisterBody = z.infer<typeof RegisterBody>;

export const LoginBody = z.strictObject({ email: Email, password: z.string().min(1).max(256) });
export type LoginBody = z.infer<typeof LoginBody>;

export const RefreshBody = z.strictObject({ refreshToken: z.string().min(1).max(512) });
export type RefreshBody = z.infer<typeof RefreshBody>;

export const UserView = z.object({ id: z.uuid(), email: z.string(), role: Role, createdAt: z.iso.datetime() });
export type UserView = z.infer<typeof UserView>;

export const TokenPair = z.object({
  accessToken: z.string(),
  tokenType: z.literal('Bearer'),
  /** Seconds until the access token expires */
  expiresIn: z.number().int(),
  refreshToken: z.string(),
  user: UserView,
});
export type TokenPair = z.infer<typeof TokenPair>;

/**
 * No C0 control characters, DEL or C1 controls: PostgreSQL refuses NUL in text (a NUL once turned
 * into a 5xx), and controls have no business in names or URLs.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const NO_CONTROL_CHARS = /^[^\u0000-\u001f\u007f-\u009f]*$/;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NO_CONTROLS_OR_SPACES = /^[^\u0000-\u0020\u007f-\u009f]*$/;

export const CreateApiKeyBody = z.strictObject({
  name: z.string().trim().min(1).max(100).regex(NO_CONTROL_CHARS, { error: 'name must not contain control characters' }),
});
export type CreateApiKeyBody = z.infer<typeof CreateApiKeyBody>;

export const ApiKeyView = z.object({
  id: z.uuid(),
  name: z.string(),
  /** The visible prefix, e.g. `oca_AbCd1234` — enough to recognise a key, useless to use it */
  prefix: z.string(),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
});
export type ApiKeyView = z.infer<typeof ApiKeyView>;

/** Returned once, at creation: the only time the full key is shown. */
export const CreatedApiKey = ApiKeyView.extend({ key: z.string() });
export type CreatedApiKey = z.infer<typeof CreatedApiKey>;

// ---- jobs ----

export const WebhookTarget = z.strictObject({
  url: z
    .url({ protocol: /^https?$/, error: 'webhook.url must be an http(s) URL' })
    .max(2048)
    .regex(NO_CONTROLS_OR_SPACES, { error: 'webhook.url must not contain spaces or control characters' }),
});

export const SubmitJobBody = z.strictObject({
  agent: z.string().min(1).max(64),
  params: z.record(z.string(), z.unknown()),
  priority: z.number().int().min(0).max(MAX_PRIORITY).optional(),
  webhook: WebhookTarget.optional(),
  /** `bypass`: run the agent even when a fresh cached result exists (as `Cache-Control: no-cache` does) */
  cache: z.enum(['bypass'], { error: 'cache must be "bypass"' }).optional().describe('"bypass" forces a fresh run, like Cache-Control: no-cache'),
  /** Accept a cached result up to this old, instead of the agent's own (shorter) freshness policy */
  maxAgeSeconds: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 3600)
    .optional()
    .describe("Accept a cached result up to this many seconds old, instead of the agent's shorter freshness policy (age and blocks)"),
});
export type SubmitJobBody = z.infer<typeof SubmitJobBody>;

/**
 * How the result cache answered a job: `hit` (served from a fresh entry of job `sourceJobId`,
 * `ageSeconds` old), `coalesced` (followed identical job `sourceJobId` already queued or running),
 * `miss` (ran), `bypass` (ran because the client asked to).
 */
export const JobCache = z.object({
  status: z.enum(['hit', 'miss', 'coalesced', 'bypass']),
  sourceJobId: z.uuid().optional(),
  ageSeconds: z.number().int().min(0).optional(),
});
export type JobCache = z.infer<typeof JobCache>;

export const JobView = z.object({
  id: z.uuid(),
  agent: z.string(),
  status: JobStatus,
  priority: z.number().int(),
  params: z.unknown(),
  result: z.unknown().nullable(),
  error: JobError.nullable(),
  webhook: z.object({ url: z.string() }).nullable(),
  createdAt: z.iso.datetime(),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
  /** null for jobs from before the cache existed */
  cache: JobCache.nullable(),
  links: z.object({ self: z.string(), deliveries: z.string() }),
});
export type JobView = z.infer<typeof JobView>;

/** 202 for a queued job; a cache hit answers 200 with the whole job (JobView) instead. */
export const SubmitJobResponse = z.object({
  id: z.uuid(),
  status: JobStatus,
  cache: JobCache.optional(),
  links: z.object({ self: z.string(), deliveries: z.string() }),
});

export const GetJobQuery = z.strictObject({
  /** Long-poll: wait up to this many seconds for the job to reach a terminal status */
  wait: z.coerce.number().int().min(0).max(30).optional(),
  /** `goplus`: a finished `security` job's result in GoPlus token_security shape */
  format: z.enum(['goplus'], { error: 'format must be "goplus" (security jobs)' }).optional(),
});

export const ListJobsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
  status: JobStatus.optional(),
});

export const JobPage = z.object({ items: z.array(JobView), nextCursor: z.string().nullable() });

export const DeliveryView = z.object({
  id: z.uuid(),
  webhookId: z.string(),
  attempt: z.number().int(),
  url: z.string(),
  eventType: z.string(),
  /** HTTP status the receiver answered, null when the request failed before an answer */
  statusCode: z.number().int().nullable(),
  outcome: z.enum(['delivered', 'failed', 'gone', 'rejected']),
  error: z.string().nullable(),
  durationMs: z.number().int(),
  attemptedAt: z.iso.datetime(),
  nextAttemptAt: z.iso.datetime().nullable(),
});
export type DeliveryView = z.infer<typeof DeliveryView>;

export const WebhookSecretView = z.object({
  secret: z.string(),
  /** Set for 24 h after a rotation: deliveries are signed with both */
  previousSecretExpiresAt: z.iso.datetime().nullable(),
});
export type WebhookSecretView = z.infer<typeof WebhookSecretView>;

export const JobIdParams = z.strictObject({ id: z.uuid({ error: 'id must be a job ID (uuid)' }) });
