import { pinnedLookup } from '@oca/outbound';
import { Agent, request } from 'undici';

/** Response bytes read (then thrown away) before the connection is dropped: receivers should answer small. */
const MAX_RESPONSE_BYTES = 64 * 1024;

export interface WebhookPost {
  url: string;
  /** Addresses SsrfGuard approved for the URL's host; the request connects to one of these and nowhere else. */
  addresses: readonly string[];
  headers: Record<string, string>;
  body: string;
  /** Whole request, response body included. */
  timeoutMs: number;
}

export interface WebhookResponse {
  statusCode: number;
  /** Where a 3xx pointed (not followed), for the delivery record. */
  location?: string;
}

/**
 * POSTs one webhook without following redirects. The connection goes to a checked address: a
 * one-off Agent whose `lookup` answers with `addresses`, so the Host header and TLS SNI/certificate
 * check still use the URL's host name while DNS is never asked again (no rebinding window).
 * Rejects on network errors and on timeout (an AbortSignal.timeout `TimeoutError`).
 */
export async function postWebhook(post: WebhookPost): Promise<WebhookResponse> {
  const agent = new Agent({
    connect: { lookup: pinnedLookup(post.addresses), timeout: post.timeoutMs },
    // No keep-alive: the agent and its one socket live for this delivery only, so no pooled
    // connection outlives the check it was made under.
    pipelining: 0,
  });
  const signal = AbortSignal.timeout(post.timeoutMs);
  try {
    const res = await request(post.url, {
      method: 'POST',
      headers: post.headers,
      body: post.body,
      dispatcher: agent,
      signal,
      maxRedirections: 0,
    });
    // Read and discard a bounded amount so the receiver is not cut off mid-write; past the limit the
    // socket is destroyed.
    await res.body.dump({ limit: MAX_RESPONSE_BYTES }).catch(() => undefined);
    const location = res.headers.location;
    return { statusCode: res.statusCode, ...(typeof location === 'string' ? { location } : {}) };
  } finally {
    await agent.destroy().catch(() => undefined);
  }
}
