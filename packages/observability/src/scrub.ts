import type { DestinationStream } from 'pino';

/** Secrets shorter than this are not scrubbed: replacing a 3-character string everywhere would mangle lines. */
const MIN_SECRET_LENGTH = 6;

/**
 * Every form a secret takes inside a JSON log line: as is, JSON-escaped (a PEM key's newlines
 * become `\n`), and percent-encoded (a password inside a URL).
 */
export function secretForms(secrets: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
    forms.add(encodeURIComponent(secret));
  }
  // Longest first, so a secret containing another is replaced whole.
  return [...forms].sort((a, b) => b.length - a.length);
}

/** Replaces each form of each secret in `text` with `[redacted]`. */
export function scrubText(text: string, forms: readonly string[]): string {
  let out = text;
  for (const form of forms) if (out.includes(form)) out = out.split(form).join('[redacted]');
  return out;
}

/** A pino destination that scrubs `secrets` from every line before it is written. */
export function scrubbingDestination(destination: DestinationStream, secrets: readonly string[]): DestinationStream {
  const forms = secretForms(secrets);
  return { write: (line: string) => destination.write(scrubText(line, forms)) };
}
