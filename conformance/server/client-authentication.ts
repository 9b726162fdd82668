// Client authentication at the device authorization and token endpoints (RFC 6749 §2.3, §3.2.1;
// RFC 8628 §3.1 and §3.4 apply the same rules to both endpoints).
import { createHash, timingSafeEqual } from 'node:crypto';
import { authenticateAssertion, type AssertionCheck } from './client-assertion.js';
import type { FormParams } from './form.js';
import { oauthError } from './replies.js';
import type { HttpReply, RegisteredClient } from './types.js';

export type AuthenticationResult = { ok: true; client: RegisteredClient } | { ok: false; reply: HttpReply };

export const BASIC_REALM = 'device-grant';

// RFC 6749 §5.2: when the client tried the Authorization header, answer 401 with a matching challenge.
function basicFailure(description: string): AuthenticationResult {
  const challenge = { 'www-authenticate': `Basic realm="${BASIC_REALM}", charset="UTF-8"` };
  return { ok: false, reply: oauthError('invalid_client', description, 401, challenge) };
}

function bodyFailure(description: string): AuthenticationResult {
  return { ok: false, reply: oauthError('invalid_client', description) };
}

// Compare secrets in constant time: hash both so the lengths match (RFC 6749 §10.10 spirit; §2.3.1 brute force).
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

// RFC 4648 §4 base64 with padding, as RFC 7617 requires for Basic credentials.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
// Characters that App. B form-urlencoding leaves as they are (plus the ones encodeURIComponent keeps).
const FORM_ENCODED = /^[A-Za-z0-9\-._*~!'()%+]*$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** RFC 6749 App. B decoding of one value: '+' is a space, %XX an octet, octets are UTF-8. */
function formDecode(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/** RFC 6749 §2.3.1: the Basic user and password are the form-urlencoded client_id and secret. */
function parseBasic(
  value: string,
  strict: boolean,
): { id: string; secret: string } | { error: string } {
  const token = value.slice(value.indexOf(' ') + 1).trim();
  if (!BASE64.test(token) || token === '') return { error: 'malformed Basic credentials' };
  let decoded: string;
  try {
    decoded = utf8.decode(Buffer.from(token, 'base64'));
  } catch {
    return { error: 'Basic credentials are not UTF-8' };
  }
  const colon = decoded.indexOf(':');
  if (colon < 0) return { error: 'Basic credentials without a colon' };
  const rawId = decoded.slice(0, colon);
  const rawSecret = decoded.slice(colon + 1);
  if (strict && !(FORM_ENCODED.test(rawId) && FORM_ENCODED.test(rawSecret))) {
    return { error: 'Basic user and password must be form-urlencoded (RFC 6749 section 2.3.1)' };
  }
  const id = formDecode(rawId);
  const secret = formDecode(rawSecret);
  if (id === undefined || secret === undefined) return { error: 'bad percent-encoding in Basic credentials' };
  return { id, secret };
}

export function authenticateClient(
  clients: ReadonlyMap<string, RegisteredClient>,
  headers: Record<string, string>,
  params: FormParams,
  strictBasicEncoding: boolean,
  assertion?: AssertionCheck,
): AuthenticationResult {
  const authorization = headers['authorization'];
  const bodyId = params.get('client_id');
  const bodySecret = params.get('client_secret');

  if (params.has('client_assertion') || params.has('client_assertion_type')) {
    // RFC 6749 §2.3: one authentication method per request.
    if (authorization !== undefined || bodySecret !== undefined || assertion === undefined) {
      return { ok: false, reply: oauthError('invalid_request', 'more than one client authentication method') };
    }
    const result = authenticateAssertion(clients, params, assertion);
    return result.ok ? result : { ok: false, reply: oauthError(result.error, result.description) };
  }

  if (authorization !== undefined) {
    const scheme = authorization.trimStart().split(' ', 1)[0]?.toLowerCase();
    if (scheme !== 'basic') return basicFailure('unsupported authentication scheme');
    // RFC 6749 §2.3: a client MUST NOT use more than one authentication method per request (§5.2 invalid_request).
    if (bodySecret !== undefined) {
      return { ok: false, reply: oauthError('invalid_request', 'more than one client authentication method') };
    }
    const basic = parseBasic(authorization.trimStart(), strictBasicEncoding);
    if ('error' in basic) return basicFailure(basic.error);
    // RFC 6749 §5.2 invalid_request: "includes multiple credentials" that disagree.
    if (bodyId !== undefined && bodyId !== basic.id) {
      return { ok: false, reply: oauthError('invalid_request', 'client_id does not match the Basic credentials') };
    }
    const client = clients.get(basic.id);
    if (!client || client.authMethod !== 'client_secret_basic') return basicFailure('client authentication failed');
    if (!sameSecret(basic.secret, client.clientSecret ?? '')) return basicFailure('client authentication failed');
    return { ok: true, client };
  }

  // RFC 8628 §3.1, §3.4: client_id is REQUIRED when the client does not authenticate otherwise.
  if (bodyId === undefined) return bodyFailure('no client authentication included');
  const client = clients.get(bodyId);
  if (!client) return bodyFailure('client authentication failed');

  if (bodySecret !== undefined) {
    // RFC 6749 §2.3.1: client_id and client_secret in the request body.
    if (client.authMethod !== 'client_secret_post') return bodyFailure('client authentication failed');
    if (!sameSecret(bodySecret, client.clientSecret ?? '')) return bodyFailure('client authentication failed');
    return { ok: true, client };
  }
  // RFC 6749 §2.3.1: client_secret MAY be omitted when the secret is the empty string.
  if (client.authMethod === 'client_secret_post' && (client.clientSecret ?? '') === '') return { ok: true, client };
  // Public clients identify themselves with client_id only (RFC 6749 §2.1, §3.2.1).
  if (client.authMethod !== 'none') return bodyFailure('client authentication failed');
  return { ok: true, client };
}
