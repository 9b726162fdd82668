/**
 * An authenticated form POST to an endpoint of the authorization server: the parameters, the
 * client authentication (awaited per request), the form encoding, then `http.send`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2.1 (authenticate every token request)
 * @module
 */

import type { RequestContext } from './configuration.ts';
import type { DPoPHandle } from './dpop-handle.ts';
import { formBody } from './form.ts';
import { send, type HttpResponse } from '../http/http.ts';
import { race, type FlowListener } from '../http/timers.ts';

/** Body members whose values are secrets, to redact from anything the server sends back. */
const SECRET_PARAMETERS = ['client_secret', 'client_assertion', 'device_code', 'refresh_token', 'code'];

/**
 * A sent request's response, with the secrets it carried (for redaction).
 *
 * @see spec/design.md ("Security defaults": secrets never appear in an error)
 */
export interface PostResult {
  http: HttpResponse;
  secrets: string[];
  /** The form as sent, so that a deterministic authentication can be reused. */
  form: AuthenticatedForm;
}

/**
 * A request body and headers with the client's authentication applied, and the secrets they
 * carry (for redaction).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2.1
 */
export interface AuthenticatedForm {
  headers: Record<string, string>;
  body: string;
  secrets: string[];
}

/**
 * Applies the client's authentication to `params` and form-encodes them.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3 (client authentication)
 * @see https://www.rfc-editor.org/rfc/rfc6749#appendix-B (form encoding, UTF-8)
 */
export async function authenticatedForm(context: RequestContext, params: URLSearchParams): Promise<AuthenticatedForm> {
  // rfc8628:3.1:post-form dg:tolerance:accept-json: "per Appendix B of [RFC6749], with a character encoding of UTF-8 in the HTTP request entity-body"; and Accept: application/json, without which some servers answer in form encoding.
  // rfc6749:6:form-encoding: the refresh request too is a UTF-8 form (Appendix B), built here like every other
  const headers = new Headers({
    accept: 'application/json',
    'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
  });
  // rfc8628:3.1:client-auth-same-as-token rfc8628:3.1:client-id-public rfc8628:3.4:client-id-public rfc8628:3.4:client-auth rfc6749:3.2.1:confidential-auth dg:compat:client-auth-every-request: "Confidential clients or other clients issued client credentials MUST authenticate with the authorization server as described in Section 2.3 when making requests to the token endpoint."; the same ClientAuth on both endpoints, awaited afresh for every request.
  await context.auth(context.server, context.client, params, headers);
  const secrets = collectSecrets(params, headers);
  // dg:security:secret-redaction: a client_secret that only keys an assertion (client_secret_jwt) is still a secret.
  const secret = context.client.client_secret;
  if (typeof secret === 'string' && secret !== '' && !secrets.includes(secret)) secrets.push(secret);
  return { headers: Object.fromEntries(headers), body: formBody(params), secrets };
}

/**
 * Sends an authenticated form to an endpoint (read with `configuration.endpoint`), with a fresh
 * DPoP proof when a handle is given. A polling flow lends its abort `listener` (on the same
 * `signal`), so that its request adds none of its own.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2 (POST to the token endpoint)
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-5 (DPoP access token request)
 */
export function postForm(
  context: RequestContext,
  url: URL,
  form: AuthenticatedForm | URLSearchParams,
  signal?: AbortSignal,
  dpop?: DPoPHandle,
  listener?: FlowListener,
): Promise<PostResult> {
  // dg:clientauth:bounded: the caller's abort and the request timeout cover the ClientAuth too (a
  // signer behind a KMS may stall). One timer: `send` runs untimed on the signal this race aborts.
  return race(async (aborted) => {
    const built = form instanceof URLSearchParams ? await authenticatedForm(context, form) : form;
    let { headers, secrets } = built;
    if (dpop !== undefined) {
      // rfc9449:5:proof-header: "the client MUST provide a valid DPoP proof JWT in a DPoP header" (a new one per request)
      // rfc9449:4.1:header: the proof travels in one "DPoP" request header, a compact JWS
      const proof = await dpop.proof('POST', url, context.http.now);
      headers = { ...headers, dpop: proof };
      // dg:security:secret-redaction: a proof echoed back is redacted like any other credential.
      secrets = [...secrets, proof];
    }
    // rfc8628:3.1:post-form rfc6749:3.2:post rfc8628:3.4:token-endpoint rfc6749:2.3.1:no-credentials-in-uri: "The client MUST use the HTTP "POST" method when making access token requests."; parameters and credentials travel in the body, never in the URL.
    const http = await send({ ...context.http, timeout: Infinity }, { method: 'POST', url, headers, body: built.body }, aborted);
    // dg:dpop:nonce-every-response: a DPoP-Nonce is kept from every answer, errors and pending ones included
    dpop?.observe(url, http.response);
    return { http, secrets, form: built };
  }, context.http.timeout * 1000, signal, listener);
}

/**
 * The secrets a request carries (secret parameters, the Authorization header, and a Basic
 * password decoded), so that an echo of any of them is redacted from what the server answers.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-5.2
 */
export function collectSecrets(params: URLSearchParams, headers: Headers): string[] {
  const secrets: string[] = [];
  // dg:security:secret-redaction rfc8628:5.2:device-code-secret: "An attacker who guesses the device code would be able to potentially obtain the authorization code once the user completes the flow."; so the device_code, like every credential sent, is redacted from anything the server sends back.
  // dg:clientauth:secret-redacted: a client_assertion (among SECRET_PARAMETERS) is redacted like any other credential sent
  for (const name of SECRET_PARAMETERS) secrets.push(...params.getAll(name));
  const authorization = headers.get('authorization');
  if (authorization !== null) {
    const credentials = authorization.replace(/^\S+\s+/, '');
    secrets.push(authorization, credentials, ...basicSecret(credentials));
  }
  // A copy of exactly this length: push() left room for 16 more, and a flow keeps this array.
  return secrets.slice();
}

/** The decoded secret of Basic credentials (RFC 6749 §2.3.1), so an echo of it is redacted too. */
function basicSecret(credentials: string): string[] {
  let secret: string;
  try {
    const decoded = atob(credentials);
    secret = decoded.slice(decoded.indexOf(':') + 1);
  } catch {
    return []; // not base64: the raw credentials are redacted already
  }
  try {
    return [secret, decodeURIComponent(secret.replace(/\+/g, ' '))];
  } catch {
    return [secret]; // not our form encoding: the password as sent is still a secret
  }
}
