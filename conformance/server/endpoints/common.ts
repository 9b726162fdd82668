// Request checks shared by the device authorization and token endpoints.
import { authenticateClient } from '../client-authentication.js';
import type { Endpoints, ServerContext } from '../context.js';
import { FormParams, isFormContentType } from '../form.js';
import { oauthError } from '../replies.js';
import type { HttpReply, RegisteredClient, ServerRequest } from '../types.js';

export type Checked<T> = { ok: true; value: T } | { ok: false; reply: HttpReply };

const jtis = new WeakMap<ServerContext, Map<string, number>>();
function seenJtis(context: ServerContext): Map<string, number> {
  let seen = jtis.get(context);
  if (!seen) jtis.set(context, (seen = new Map()));
  return seen;
}

const MAY_REPEAT = new Set(['resource']); // RFC 8707 §2: multiple resource parameters MAY be used
const SAFE_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** Parse and authenticate an OAuth request: POST, form body, no repeats, an authenticated client. */
export function readClientRequest(
  context: ServerContext,
  request: ServerRequest,
  pairs: Array<[string, string]>,
  endpoints?: Endpoints,
): Checked<{ params: FormParams; client: RegisteredClient }> {
  // RFC 8628 §3.1, RFC 6749 §3.2 / App. B: an application/x-www-form-urlencoded POST body.
  if (!isFormContentType(request.headers['content-type'])) {
    return { ok: false, reply: oauthError('invalid_request', 'expected an application/x-www-form-urlencoded body') };
  }
  // RFC 6749 §2.3.1: client credentials MUST NOT be included in the request URI.
  if (new URL(request.url).searchParams.has('client_secret')) {
    return { ok: false, reply: oauthError('invalid_request', 'client_secret in the request URI') };
  }
  const params = new FormParams(pairs);
  // RFC 8628 §3.1, RFC 6749 §3.1: request parameters MUST NOT be included more than once.
  const repeated = params.repeated(MAY_REPEAT);
  if (repeated !== undefined) {
    const name = SAFE_NAME.test(repeated) ? ` ${repeated}` : '';
    return { ok: false, reply: oauthError('invalid_request', `repeated parameter${name}`) };
  }
  // RFC 7523 §3: an assertion's aud names this server (its issuer, or the endpoint's URL); each jti is accepted once.
  const assertion = endpoints && { audiences: [endpoints.issuer, request.url.split('?')[0]!], now: context.now(), seen: seenJtis(context) };
  const auth = authenticateClient(context.clients, request.headers, params, context.settings.strictBasicEncoding, assertion);
  if (!auth.ok) return auth;
  return { ok: true, value: { params, client: auth.client } };
}

// RFC 6749 §3.3: scope = scope-token *( SP scope-token ); scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]+(?: [\x21\x23-\x5B\x5D-\x7E]+)*$/;

/** Validate a requested scope (RFC 6749 §3.3); `allowed` narrows it further (§6: no new scopes on refresh). */
export function checkScope(scope: string | undefined, allowed: string[] | undefined): HttpReply | undefined {
  if (scope === undefined) return undefined;
  if (!SCOPE.test(scope)) return oauthError('invalid_scope', 'malformed scope');
  if (allowed && scope.split(' ').some((token) => !allowed.includes(token))) {
    return oauthError('invalid_scope', 'scope not allowed');
  }
  return undefined;
}

// RFC 3986 §3.1 scheme, which an absolute URI (§4.3) starts with.
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/** RFC 8707 §2: each resource is an absolute URI without a fragment; `allowed` limits them to a granted set. */
export function checkResources(resources: string[], allowed: string[] | undefined): HttpReply | undefined {
  for (const resource of resources) {
    if (!SCHEME.test(resource) || resource.includes('#') || !URL.canParse(resource)) {
      return oauthError('invalid_target', 'resource must be an absolute URI without a fragment');
    }
    if (allowed && allowed.length > 0 && !allowed.includes(resource)) {
      return oauthError('invalid_target', 'resource was not part of the authorization');
    }
  }
  return undefined;
}
