/** The broker URL as it may appear in logs and errors: password replaced. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '[unparseable amqp url]';
  }
}

/** Removes the URL's password from any text (library error messages may echo the URL). */
export function scrubSecret(text: string, url: string): string {
  let secrets: string[];
  try {
    const raw = new URL(url).password;
    secrets = [raw, decodeURIComponent(raw)].filter((s) => s.length > 0);
  } catch {
    return text;
  }
  return secrets.reduce((out, secret) => out.split(secret).join('***'), text);
}
