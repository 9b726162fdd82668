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

/** `%HH`, or `%uHHHH` with `digits` 4, in upper-case hex. */
const percent = (code: number, digits = 2): string => (digits === 4 ? '%u' : '%') + code.toString(16).padStart(digits, '0').toUpperCase();
/** Percent-encoding of the UTF-8 octets (encodeURIComponent, App. B form encoding). */
const utf8 = (char: string): string => [...encoder.encode(char)].map((octet) => percent(octet)).join('');
/** escape(): %HH of the Latin-1 code below 256, %uHHHH per UTF-16 code unit above. */
const latin1 = (char: string): string =>
  (char.codePointAt(0) as number) < 0x100 ? percent(char.codePointAt(0) as number) : char.split('').map((unit) => percent(unit.charCodeAt(0), 4)).join('');

/** Every spelling of one character that decodes back to it. */
// dg:security:encoded-secret-redaction: every spelling that decodes to the secret is redacted.
function characterPattern(char: string): string {
  const spellings = [utf8(char)];
  if (char === ' ') spellings.push('+'); // form encoding writes a space as '+'
  if ((char.codePointAt(0) as number) >= 0x80) spellings.push(latin1(char));
  // Any hex case, and %U as well as %u; the character itself, escaped.
  const encoded = spellings.map((s) => s.replace(/[+uA-F]/g, (c) => (c === '+' ? '\\+' : `[${c}${c === 'u' ? 'U' : c.toLowerCase()}]`)));
  return `(?:${[char.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'), ...encoded].join('|')})`;
}

/** What encodeURIComponent, RFC 3986 (!'()* encoded too), URLSearchParams and escape() encode. */
const ENCODED_BY = [/[^\w.!~*'()-]/gu, /[^\w.~-]/gu, /[^\w.*-]/gu, /[^\w@*+./-]/gu];

/**
 * Replaces the raw `secret` and each of its whole-string encodings (each encoder above, + or %20
 * for a space, either hex case) by plain string search. An encoding is built (once) only when
 * the text holds its first 64 characters' spelling, so a body that merely carries the secret raw
 * costs no encoding at all.
 */
function literalRedactor(secret: string): (text: string) => string {
  // Cut on a code point, so that the head's spelling is a prefix of the secret's.
  const head = secret.slice(0, 64).replace(/[\uD800-\uDBFF]$/, '');
  const spellers: Array<(text: string) => string> = [(text) => text];
  ENCODED_BY.forEach((encoded, i) => {
    for (const plus of [false, true]) {
      for (const lower of [false, true]) {
        const known = new Map<string, string>();
        const spell = (c: string): string => (plus && c === ' ' ? '+' : i === 3 ? latin1(c) : utf8(c));
        spellers.push((text) => text.replace(encoded, (c) => known.get(c) ?? (known.set(c, lower ? spell(c).toLowerCase() : spell(c)).get(c) as string)));
      }
    }
  });
  const heads = spellers.map((speller) => speller(head));
  const whole: Array<string | undefined> = [];
  return (text) => {
    heads.forEach((start, i) => {
      if (text.length >= secret.length && text.includes(start)) text = text.replaceAll((whole[i] ??= (spellers[i] as (text: string) => string)(secret)), REDACTED);
    });
    return text;
  };
}

/**
 * The most secret characters, in all, that go into the per-character pattern (shortest secrets
 * first). Its source is 10 to 60 characters per secret character: V8 overflows its stack
 * compiling some 50,000 of them, with a SyntaxError that quotes the pattern and so spells every
 * secret out, and compiling takes seconds at the 1 MiB body cap. Sent secrets fit well below it;
 * tokens a server puts in an error body need not, and are then found by plain string search.
 */
const PATTERN_BUDGET = 4096;

/**
 * A function that replaces every spelling of every secret that decodes to it: raw,
 * percent-encoded in either hex case (with or without `!'()*` encoded), form-encoded with `+` or
 * `%20` for a space, and `escape()`'s Latin-1 and `%uHHHH` forms. Secrets past the pattern budget
 * are matched in their whole-string spellings only (not one mixing encodings within the secret).
 * Text without a secret is returned as the same string, so callers can tell that nothing changed.
 * Redaction never throws: if it fails, the text is replaced by `[REDACTED]` whole.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-5.2
 */
export function redactor(secrets: readonly string[]): (text: string) => string {
  // Shortest first into the pattern budget; the rest are literals, longest first, replaced before
  // the pattern runs, so that a secret containing another (Basic credentials) is replaced whole.
  const sorted = secrets.filter((s) => s.length > 0).sort((a, b) => a.length - b.length);
  if (sorted.length === 0) return (text) => text;
  // No spelling is shorter than its secret (each character is itself or longer), so shorter text is skipped.
  const shortest = (sorted[0] as string).length;
  try {
    let budget = PATTERN_BUDGET;
    const short = sorted.filter((s) => (budget -= s.length) >= 0).reverse();
    // dg:security:redaction-bounded: no RegExp source grows with a long secret; it is found by plain search of its whole-string spellings.
    const literals = sorted.slice(short.length).reverse().map(literalRedactor);
    const pattern = short.length > 0 ? new RegExp(short.map((s) => [...s].map(characterPattern).join('')).join('|'), 'g') : undefined;
    return (text) => {
      // dg:security:redaction-bounded: redaction never throws and never passes text through; a failure replaces the whole text.
      try {
        if (text.length < shortest) return text;
        text = literals.reduce((rest, literal) => literal(rest), text);
        // search() ignores lastIndex: the common case (no secret) costs one scan and no copy.
        // dg:security:secret-redaction dg:security:echoed-secret-redaction rfc8628:5.2:device-code-secret rfc6749:10.3:access-token-confidential rfc6749:10.4:refresh-token-confidential: "Access token credentials (as well as any confidential access token attributes) MUST be kept confidential in transit and storage"; every spelling of every secret is replaced.
        return pattern === undefined || text.search(pattern) === -1 ? text : text.replace(pattern, REDACTED);
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
