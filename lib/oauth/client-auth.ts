/**
 * Client authentication (RFC 6749 §2.3), applied to every request that a client sends to the
 * authorization server. A `ClientAuth` is awaited per request, because assertion-based methods
 * need a fresh value every time.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3
 * @module
 */

import { argumentError } from '../errors.ts';
import { formEncode } from './form.ts';
import type { ClientMetadata, ServerMetadata } from './metadata.ts';

/**
 * Adds client authentication to one request: to its form `body` or its `headers`.
 * The same shape as openid-client v6's `ClientAuth`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3
 * @see https://github.com/panva/openid-client/blob/main/docs/type-aliases/ClientAuth.md
 */
export type ClientAuth = (
  as: ServerMetadata,
  client: ClientMetadata,
  body: URLSearchParams,
  headers: Headers,
) => void | Promise<void>;

// The methods defined here: pure functions of the (frozen) client metadata and the secret given.
const deterministic = new WeakSet<ClientAuth>();

/**
 * True for None, ClientSecretPost and ClientSecretBasic: what they add to a request never
 * changes, so a flow may compute it once. Any other ClientAuth (an assertion, say) must run on
 * every request.
 *
 * @see spec/design.md ("The request path": client authentication, awaited for every request)
 */
export function isDeterministic(auth: ClientAuth): boolean {
  // dg:compat:client-auth-every-request: only our own pure methods may be computed once per flow; any other ClientAuth runs for every request.
  return deterministic.has(auth);
}

function register(auth: ClientAuth): ClientAuth {
  deterministic.add(auth);
  return auth;
}

function secretOf(explicit: string | undefined, client: ClientMetadata): string {
  // dg:compat:client-auth-factories dg:compat:default-client-auth: without an argument the secret comes from the client metadata; missing or empty is a TypeError.
  const secret = explicit ?? client.client_secret;
  if (typeof secret !== 'string') throw argumentError('"client_secret" must be a string', 'ERR_INVALID_ARG_TYPE');
  if (secret.length === 0) throw argumentError('"client_secret" must not be empty', 'ERR_INVALID_ARG_VALUE');
  return secret;
}

/**
 * No client authentication: a public client identifies itself with `client_id` in the body.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1 (client_id REQUIRED when not authenticating)
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.1 (public clients)
 * @see https://github.com/panva/openid-client/blob/main/docs/functions/None.md
 */
export function None(): ClientAuth {
  return register((_as, client, body) => {
    // rfc8628:3.1:client-id-public rfc8628:3.4:client-id-public rfc8628:5.6:public-client rfc6749:3.2.1:client-id-may: "REQUIRED if the client is not authenticating with the authorization server as described in Section 3.2.1. of [RFC6749]."
    body.set('client_id', client.client_id);
  });
}

/**
 * `client_secret_post`: the client_id and secret travel in the form body.
 *
 * @param clientSecret Defaults to the client metadata's `client_secret`.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export function ClientSecretPost(clientSecret?: string): ClientAuth {
  return register((_as, client, body) => {
    const secret = secretOf(clientSecret, client);
    // rfc6749:2.3.1:post-client-id-secret rfc6749:3.2.1:client-id-may rfc6749:2.3.1:no-credentials-in-uri: "The parameters can only be transmitted in the request-body and MUST NOT be included in the request URI."
    body.set('client_id', client.client_id);
    // rfc8628:3.1:client-auth-same-as-token rfc8628:3.4:client-auth rfc6749:3.2.1:confidential-auth rfc6749:2.3:single-auth-method: "the client MUST authenticate with the authorization server as described in Section 3.2.1 of [RFC6749]"; one method only: the secret goes in the body and nowhere else.
    body.set('client_secret', secret);
  });
}

/**
 * `client_secret_basic`: HTTP Basic with the client_id and secret each form-urlencoded first
 * (RFC 6749 §2.3.1 and Appendix B), so `:` `+` `%` and non-ASCII survive. No client_id goes in the
 * body, so exactly one authentication method is used.
 *
 * @param clientSecret Defaults to the client metadata's `client_secret`.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export function ClientSecretBasic(clientSecret?: string): ClientAuth {
  return register((_as, client, _body, headers) => {
    const secret = secretOf(clientSecret, client);
    // rfc6749:2.3.1:basic-scheme rfc6749:2.3.1:basic-form-encode rfc8628:3.1:client-auth-same-as-token rfc8628:3.4:client-auth rfc6749:3.2.1:confidential-auth rfc6749:2.3:single-auth-method rfc6749:3.2.1:client-id-may: "The client identifier is encoded using the "application/x-www-form-urlencoded" encoding algorithm per Appendix B, and the encoded value is used as the username"; then base64 of 'id:secret' (ASCII, so btoa is safe), and no client_id in the body.
    headers.set('authorization', 'Basic ' + btoa(formEncode(client.client_id) + ':' + formEncode(secret)));
  });
}
