import { checkOutboundUrl, OutboundUrlRejectedError, type OutboundLookup, type OutboundRule } from '@oca/outbound';
import { DomainError } from '../errors';

/** Which rule refused a URL (`@oca/outbound`'s rules); `dns` may be temporary, the others never are. */
export type SsrfRule = OutboundRule;

export interface SsrfGuardOptions {
  /**
   * Skip the name and address-range checks so webhooks may target loopback and private networks.
   * Local development and tests only (`WEBHOOK_ALLOW_PRIVATE_TARGETS`); the protocol and credential
   * checks still apply, and cloud-metadata endpoints stay refused.
   */
  allowPrivate: boolean;
  /** How a host name becomes addresses. @default dns.promises.lookup(host, {all: true, verbatim: true}) */
  lookup?: OutboundLookup;
}

/**
 * Refuses webhook URLs that would make the gateway call into its own network (SSRF), by the rules
 * every outbound call of the platform follows (`checkOutboundUrl` in `@oca/outbound`), as a domain
 * error the HTTP layer answers with 400. `check()` returns the addresses it approved; the delivery
 * connects to exactly those (`pinnedLookup`).
 */
export class SsrfGuard {
  constructor(private readonly options: SsrfGuardOptions) {}

  /** Resolves to the approved IP addresses of the URL's host; throws DomainError('webhook_url_rejected'). */
  async check(url: string): Promise<string[]> {
    try {
      return await checkOutboundUrl(url, this.options);
    } catch (err) {
      if (err instanceof OutboundUrlRejectedError) throw new DomainError('webhook_url_rejected', `webhook ${err.message}`, { rule: err.rule });
      throw err;
    }
  }
}

/** The rule that refused a URL, when `err` came from SsrfGuard.check(). */
export function ssrfRuleOf(err: unknown): SsrfRule | undefined {
  if (!(err instanceof DomainError) || err.code !== 'webhook_url_rejected') return undefined;
  const details = err.details as { rule?: SsrfRule } | undefined;
  return details?.rule;
}
