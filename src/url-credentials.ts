/**
 * Credentials inside URLs, masked wherever a URL is shown (config errors, `sluice config`, logs,
 * `sluice status`). A URL can carry a secret in three places:
 *
 *   - user info with a password, `redis://user:secret@host`: the password is masked, the user kept
 *     (it says which account is meant);
 *   - user info alone, `http://token@host`: that is a token (GitHub, Artifactory, proxies), masked;
 *   - the query or fragment, `?access_token=...`, `#token=...`, `?api_key=...`, `?X-Amz-Signature=`:
 *     the value of every parameter whose name says credential is masked.
 */

export const MASK = '****';

/** Parameter names (lower case, letters and digits only) that hold a credential. */
const SECRET_PARAMS = new Set(['key', 'pass', 'pwd', 'sig', 'sas', 'code', 'otp', 'jwt', 'bearer', 'cred', 'creds']);
/** Parts of a parameter name that say credential: `access_token`, `client_secret`, `apiKey`, `x-amz-signature`... */
const SECRET_PARTS = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'accesskey',
  'privatekey',
  'auth',
  'credential',
  'signature',
  'session',
];

export function isSecretParam(name: string): boolean {
  const n = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  return SECRET_PARAMS.has(n) || SECRET_PARTS.some((part) => n.includes(part)) || n.endsWith('key');
}

/** Mask the secret parameters of a query string or fragment (without its `?` or `#`); undefined: none. */
function maskParams(params: string): string | undefined {
  if (!params.includes('=')) return undefined;
  let masked = false;
  const out = params.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    if (eq < 0) return pair;
    let name = pair.slice(0, eq);
    try {
      name = decodeURIComponent(name.replaceAll('+', ' '));
    } catch {
      // An undecodable name is judged as written.
    }
    if (!isSecretParam(name)) return pair;
    masked = true;
    return `${pair.slice(0, eq)}=${MASK}`;
  });
  return masked ? out.join('&') : undefined;
}

/** Mask `u`'s credentials in place; whether it had any. */
function maskInPlace(u: URL): boolean {
  let masked = false;
  if (u.password) {
    u.password = MASK;
    masked = true;
  } else if (u.username) {
    u.username = MASK;
    masked = true;
  }
  const query = maskParams(u.search.slice(1));
  if (query !== undefined) {
    u.search = query;
    masked = true;
  }
  const fragment = maskParams(u.hash.slice(1));
  if (fragment !== undefined) {
    u.hash = fragment;
    masked = true;
  }
  return masked;
}

/** The URL with its credentials masked; a value that is not a URL at all is masked whole. */
export function maskUrlCredentials(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    return MASK;
  }
  maskInPlace(u);
  return u.toString().replace(/\/$/, '');
}

/**
 * Every `scheme://...` URL inside a text (an error message, a JSON log line) with its credentials
 * masked. A URL ends at whitespace, a quote, `<>` or a backslash, so in JSON text it never swallows
 * an escape (`\"`, `\n`) and the line stays valid JSON.
 */
export function maskUrlsInText(text: string): string {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`\\]+/gi, (url) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      // Not parseable as a whole: still hide any user info and secret parameters.
      return url
        .replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, `$1${MASK}@`)
        .replace(/([?&#])([^=&#]+)=([^&#]*)/g, (pair, sep: string, name: string) => (isSecretParam(name) ? `${sep}${name}=${MASK}` : pair));
    }
    return maskInPlace(u) ? u.toString() : url;
  });
}
