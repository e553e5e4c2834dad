/** `Cache-Control: no-cache` / `no-store` on a request asks for a fresh run (RFC 9111 request directives). */
export function wantsFreshRun(cacheControl: string | undefined): boolean {
  return cacheControl !== undefined && /(^|[\s,])no-(cache|store)([\s,=]|$)/i.test(cacheControl);
}
