/**
 * Gateway-side tightenings of contract request schemas. PostgreSQL refuses NUL in text, so a NUL
 * that reached an INSERT became a 500 (webhook URL) or an auth failure reported as 503 (API key
 * name) — found by the fuzz suite. Control characters have no business in either field, so they
 * are refused here with a 400; the contracts should adopt the same rule (see docs/security.md).
 */
import { CreateApiKeyBody, SubmitJobBody, WebhookTarget } from '@oca/contracts';

/** No C0 control characters, DEL or C1 controls. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NO_CONTROLS = /^[^\u0000-\u001f\u007f-\u009f]*$/;
/** A URL additionally has no raw spaces (zod already strips tabs and newlines from URLs). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NO_CONTROLS_OR_SPACES = /^[^\u0000-\u0020\u007f-\u009f]*$/;

export const CreateApiKeyRequest = CreateApiKeyBody.extend({
  name: CreateApiKeyBody.shape.name.regex(NO_CONTROLS, { error: 'name must not contain control characters' }),
});

export const SubmitJobRequest = SubmitJobBody.extend({
  webhook: WebhookTarget.extend({
    url: WebhookTarget.shape.url.regex(NO_CONTROLS_OR_SPACES, { error: 'webhook.url must not contain spaces or control characters' }),
  }).optional(),
});
