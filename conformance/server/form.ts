// Reading application/x-www-form-urlencoded request bodies (RFC 6749 App. B) without ever throwing.

/** Every name/value pair in order, decoded as UTF-8 ('+' is a space, %XX an octet). */
export function parseFormPairs(body: string): Array<[string, string]> {
  return [...new URLSearchParams(body)];
}

/** True when the Content-Type media type is application/x-www-form-urlencoded (parameters allowed). */
export function isFormContentType(contentType: string | undefined): boolean {
  const mediaType = (contentType ?? '').split(';', 1)[0] ?? '';
  return mediaType.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

/** Request parameters with the RFC 6749 §3.1 / RFC 8628 §3.1 rules applied. */
export class FormParams {
  readonly #values = new Map<string, string[]>();

  constructor(pairs: ReadonlyArray<readonly [string, string]>) {
    for (const [name, value] of pairs) {
      // RFC 8628 §3.1, RFC 6749 §3.1: a parameter sent without a value is treated as omitted.
      if (value === '') continue;
      const list = this.#values.get(name);
      if (list) list.push(value);
      else this.#values.set(name, [value]);
    }
  }

  get(name: string): string | undefined {
    return this.#values.get(name)?.[0];
  }

  all(name: string): string[] {
    return this.#values.get(name) ?? [];
  }

  has(name: string): boolean {
    return this.#values.has(name);
  }

  /** RFC 8628 §3.1, RFC 6749 §3.1: parameters MUST NOT be included more than once. Returns the first repeated name. */
  repeated(except: ReadonlySet<string>): string | undefined {
    for (const [name, list] of this.#values) {
      if (list.length > 1 && !except.has(name)) return name;
    }
    return undefined;
  }
}
