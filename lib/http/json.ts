/**
 * Safe reading of JSON response bodies: the media type, the syntax, the top-level object, no
 * `__proto__` members, and typed member readers. Every failure is a {@link ClientError} with a
 * stable code; nothing here can throw a raw TypeError.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1 (parameters at the top level of a JSON object)
 * @module
 */

import { ClientError } from '../errors.ts';

/**
 * A parsed JSON object.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8259#section-4
 */
export type JsonObject = Record<string, unknown>;

/**
 * True when the Content-Type is `application/json` or a `+json` media type.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8259#section-11 (application/json)
 * @see https://www.rfc-editor.org/rfc/rfc6839#section-3.1 (the +json structured syntax suffix)
 */
export function isJsonMediaType(headers: Headers): boolean {
  const type = (headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  // rfc8628:3.2:json-200 rfc8414:3.2:status-200-json: "return a JSON object using the "application/json" content type"
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/**
 * Reads a response body that must be a JSON object: the media type first, then
 * {@link parseJsonObject}.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8259#section-11 (application/json)
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3.2 (a 200 with a JSON object)
 */
export function readJsonObject(response: Response, text: string): JsonObject {
  if (!isJsonMediaType(response.headers)) {
    throw new ClientError('response content-type must be application/json', { code: 'OAUTH_RESPONSE_IS_NOT_JSON' });
  }
  return parseJsonObject(text);
}

/**
 * Parses `text` as a JSON object. A body that is not JSON, not an object, or that carries a
 * `__proto__` member anywhere is refused.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export function parseJsonObject(text: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // dg:security:echoed-secret-redaction: no cause, because V8's SyntaxError message quotes the body, which may echo a secret.
    throw new ClientError('failed to parse the response body as JSON', { code: 'OAUTH_PARSE_ERROR' });
  }
  requireObject(value);
  // The walks below (and redaction, and freezing) recurse: refuse nesting that could exhaust the stack.
  if (text.length > 2 * MAX_DEPTH && nestedTooDeep(text)) {
    throw new ClientError(`response body nests deeper than ${MAX_DEPTH} levels`, { code: 'OAUTH_INVALID_RESPONSE' });
  }
  // The cheap text test keeps the common path fast (a walk of a 50,000-member body costs half as
  // much again as this scan: dg:perf:error-body-redaction); the walk decides.
  // dg:security:proto-pollution: a __proto__ member at any depth is refused, so no body can reach a prototype.
  if (text.includes('__proto__') && hasProtoKey(value)) {
    throw new ClientError('response body must not contain a "__proto__" member', { code: 'OAUTH_INVALID_RESPONSE' });
  }
  return value as JsonObject;
}

/**
 * `value` as a JSON object, or OAUTH_INVALID_RESPONSE: for a parsed body, and for the public
 * validators, which take a body parsed by the caller.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export function requireObject(value: unknown): JsonObject {
  // rfc8628:3.2:json-200 rfc8414:3.2:status-200-json rfc6749:5.1:json-object rfc6749:5.2:json-body dg:security:wrong-types-rejected: "The parameters are serialized into a JSON structure by adding each parameter at the highest structure level."
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ClientError('response body must be a top level JSON object', { code: 'OAUTH_INVALID_RESPONSE' });
  }
  return value as JsonObject;
}

/** No OAuth or metadata document nests anywhere near this deep. */
const MAX_DEPTH = 64;

/** Counts bracket depth outside strings, in one pass over text that already parsed as JSON. */
function nestedTooDeep(text: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_DEPTH) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

function hasProtoKey(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (Object.prototype.hasOwnProperty.call(value, '__proto__')) return true;
  return Object.values(value).some(hasProtoKey);
}

/**
 * OAUTH_INVALID_RESPONSE for a member of a response body: `response body "<name>" property must be <what>`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-10.14 (validate every value received)
 */
export function invalidMember(name: string, what: string): ClientError {
  return new ClientError(`response body "${name}" property must be ${what}`, { code: 'OAUTH_INVALID_RESPONSE' });
}

/**
 * Reads a required non-empty string member.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export function requireString(body: JsonObject, name: string): string {
  const value = body[name];
  // rfc8628:3.2:required-members rfc6749:10.14:validate-input dg:security:wrong-types-rejected: "The authorization server and client MUST sanitize (and validate when possible) any value received"; a required member is a non-empty string.
  if (typeof value !== 'string' || value.length === 0) throw invalidMember(name, 'a non-empty string');
  return value;
}

/**
 * Reads an optional string member; present but not a string is refused.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export function optionalString(body: JsonObject, name: string): string | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  // rfc6749:10.14:validate-input dg:security:wrong-types-rejected: "The authorization server and client MUST sanitize (and validate when possible) any value received"; an optional member, when present, is a string.
  if (typeof value !== 'string') throw invalidMember(name, 'a string');
  return value;
}

/** Strict numeric strings only: digits, with an optional fraction. No "", "1e3", "5abc", " 5". */
const STRICT_NUMBER = /^\d+(\.\d+)?$/;

/**
 * Reads an optional number of seconds: a finite JSON number, or a strict numeric string (a
 * tolerance for real servers). Negative values are refused, and 0 too when `positive`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export function optionalSeconds(body: JsonObject, name: string, positive: boolean): number | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  let seconds: number;
  // dg:tolerance:numeric-strings: a JSON number, or a string that is wholly digits with an optional fraction; never Number("") or parseFloat("5abc").
  if (typeof value === 'number') seconds = value;
  else if (typeof value === 'string' && STRICT_NUMBER.test(value)) seconds = Number(value);
  else throw invalidMember(name, 'a number');
  // rfc6749:10.14:validate-input dg:security:wrong-types-rejected: "The authorization server and client MUST sanitize (and validate when possible) any value received"; out-of-range numbers are refused.
  if (!Number.isFinite(seconds) || seconds < 0 || (positive && seconds === 0)) {
    throw invalidMember(name, positive ? 'a positive finite number' : 'a non-negative finite number');
  }
  return seconds;
}
