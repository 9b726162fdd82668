/**
 * Secrets (client_secret, device_code, tokens, assertions) must never reach an error message,
 * a log line or a serialized error, even when a server echoes them back.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-5.2 (device_code is a bearer secret)
 * @module
 */

const REDACTED = '[REDACTED]';
const encoder = new TextEncoder();

/**
 * The error codes of RFC 6749 §5.2, RFC 8628 §3.5 and RFC 8707 §2, which callers branch on.
 * Redaction never rewrites them: a short secret inside "access_denied" must not turn a denial
 * into an unknown code.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
// dg:security:error-code-verbatim: these codes are never rewritten by redaction.
export const KNOWN_ERROR_CODES: ReadonlySet<string> = new Set([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'authorization_pending',
  'slow_down',
  'access_denied',
  'expired_token',
  'invalid_target',
  // RFC 9449 §12.2 (the nonce retry branches on it) and §12.1.
  'use_dpop_nonce',
  'invalid_dpop_proof',
]);

/** `%HH` (or `%uHHHH` with `digits` 4) matching either letter case of the hex digits. */
function percent(code: number, digits = 2): string {
  const hex = code.toString(16).padStart(digits, '0').replace(/[a-f]/g, (d) => `[${d}${d.toUpperCase()}]`);
  return (digits === 4 ? '%[uU]' : '%') + hex;
}

/** Every spelling of one character that decodes back to it. */
// dg:security:encoded-secret-redaction: every spelling that decodes to the secret is redacted.
function characterPattern(char: string): string {
  const code = char.codePointAt(0) as number;
  const spellings = [char.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')];
  // Percent-encoding of the UTF-8 octets (encodeURIComponent, App. B form encoding), any hex case.
  spellings.push([...encoder.encode(char)].map((octet) => percent(octet)).join(''));
  if (char === ' ') spellings.push('\\+'); // form encoding writes a space as '+'
  // escape(): %HH of the Latin-1 code below 256, %uHHHH per UTF-16 code unit above.
  if (code >= 0x80) spellings.push(code < 0x100 ? percent(code) : char.split('').map((unit) => percent(unit.charCodeAt(0), 4)).join(''));
  return `(?:${spellings.join('|')})`;
}

/** The pattern of every spelling of `secret`, character by character. */
function secretPattern(secret: string): string {
  return [...secret].map(characterPattern).join('');
}

/**
 * The most secret characters, in all, that go into the per-character pattern (shortest secrets
 * first). Its source is 10 to 60 characters per secret character: V8 overflows its stack
 * compiling some 50,000 of them, with a SyntaxError that quotes the pattern and so spells every
 * secret out, and compiling takes seconds near the 1 MiB body cap. The secrets a client sends fit
 * well below it; only tokens a server puts in an error body may not.
 */
const PATTERN_BUDGET = 4096;

/**
 * How far a partial match of `secret` runs, summed over the start positions of a text, per text
 * character at most: the sum over its prefixes of one over their period (KMP borders). About
 * ln(length) for a random secret; its length for "aaaa…". A backtracking scan costs the text's
 * length times this, so a server that picks a repetitive device_code or error-body token and
 * repetitive text (160 KB cost 13 s) is what drives it up.
 */
function reachOf(secret: string): number {
  const border = [0];
  let reach = 1;
  for (let i = 1, k = 0; i < secret.length; i++) {
    while (k > 0 && secret[i] !== secret[k]) k = border[k - 1] as number;
    if (secret[i] === secret[k]) k++;
    border[i] = k;
    reach += 1 / (i + 1 - k);
  }
  return reach;
}

/** The most {@link reachOf} a secret may have and still go into the pattern: far above any random secret's. */
const MAX_REACH = 16;

/**
 * A function that replaces, in one pass, every spelling of every secret that decodes to it:
 * raw, percent-encoded in either hex case (with or without `!'()*` encoded), form-encoded with
 * `+` or `%20` for a space, and `escape()`'s Latin-1 and `%uHHHH` forms. Secrets past the pattern
 * budget are not spelled out: any text at least as long as one of them is replaced whole, since
 * no spelling of a secret is shorter than the secret. Text without a secret is returned as the
 * same string, so callers can tell that nothing changed. It never throws: a redaction that fails
 * replaces the text whole.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-5.2
 */
export function redactor(secrets: readonly string[]): (text: string) => string {
  const sorted = secrets.filter((s) => s.length > 0).sort((a, b) => a.length - b.length);
  if (sorted.length === 0) return (text) => text;
  // No spelling is shorter than its secret (each character is itself or longer), so shorter text is skipped.
  const shortest = (sorted[0] as string).length;
  let budget = PATTERN_BUDGET;
  let wholeFrom = Infinity;
  // Longest first in the pattern, so that a secret containing another (Basic credentials) is replaced whole.
  const spelled = sorted
    .filter((s) => {
      // dg:security:redaction-bounded: a secret past the budget, or repetitive enough to make a scan quadratic, never enters a RegExp; a text long enough to hold it is replaced whole.
      const fits = reachOf(s) <= MAX_REACH && (budget -= s.length) >= 0;
      if (!fits) wholeFrom = Math.min(wholeFrom, s.length);
      return fits;
    })
    .reverse();
  try {
    const pattern = new RegExp(spelled.map(secretPattern).join('|') || '(?!)', 'g');
    return (text) => {
      // dg:security:redaction-bounded: redaction never throws and never passes text through; a failure replaces the text whole.
      try {
        if (text.length < shortest) return text;
        if (text.length >= wholeFrom) return REDACTED;
        // search() ignores lastIndex: the common case (no secret) costs one scan and no copy.
        // dg:security:secret-redaction dg:security:echoed-secret-redaction rfc8628:5.2:device-code-secret rfc6749:10.3:access-token-confidential rfc6749:10.4:refresh-token-confidential: "Access token credentials (as well as any confidential access token attributes) MUST be kept confidential in transit and storage"; every spelling of every secret is replaced.
        return text.search(pattern) === -1 ? text : text.replace(pattern, REDACTED);
      } catch {
        return REDACTED;
      }
    };
  } catch {
    // dg:security:redaction-bounded: a redactor that cannot be built redacts everything.
    return () => REDACTED;
  }
}

/**
 * Redacts strings and member names with `clean` (a {@link redactor}); a value with nothing to
 * redact comes back as itself.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-5.2
 */
export function redactDeepWith(value: unknown, clean: (text: string) => string): unknown {
  if (typeof value === 'string') return clean(value);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const cleaned = redactDeepWith(item, clean);
      if (cleaned !== item) (copy ??= value.slice())[i] = cleaned;
    }
    return copy ?? value;
  }
  // dg:security:error-body-cost: an object with nothing to redact is not copied, and no
  // entry list is built for it; a copy starts at the first member that changes.
  const source = value as Record<string, unknown>;
  const keys = Object.keys(source);
  let copy: Record<string, unknown> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const item = source[key];
    const cleanKey = clean(key);
    const cleanItem = redactDeepWith(item, clean);
    if (copy === undefined && (cleanKey !== key || cleanItem !== item)) {
      copy = {};
      for (let j = 0; j < i; j++) define(copy, keys[j] as string, source[keys[j] as string]);
    }
    if (copy !== undefined) define(copy, cleanKey, cleanItem);
  }
  return copy ?? value;
}

/** defineProperty, so that a "__proto__" key can never reach a prototype. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Redacts every string and member name inside a parsed JSON value (a server may echo a secret as
 * a member name). dg:perf: only the members that held a secret are copied; a value with none is
 * returned as it is, so a huge error body costs one regular-expression scan per string.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-5.2
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-10.3
 */
export function redactDeep(value: unknown, secrets: readonly string[]): unknown {
    // Keys are redacted too: a server may echo a secret as a member name.
    // dg:security:proto-pollution dg:security:echoed-secret-redaction: Object.fromEntries defines properties, so a "__proto__" key can never reach a prototype.
  return redactDeepWith(value, redactor(secrets));
}
