/**
 * An authenticated form POST to an endpoint of the authorization server: the parameters, the
 * client authentication (awaited per request), the form encoding, then `http.send`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2.1 (authenticate every token request)
 * @module
 */

import type { RequestContext } from './configuration.ts';
import { formBody } from './form.ts';
import { send, type HttpResponse } from '../http/http.ts';

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
  const headers = new Headers({
    accept: 'application/json',
    'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
  });
  // rfc8628:3.1:client-auth-same-as-token rfc8628:3.1:client-id-public rfc8628:3.4:client-id-public rfc8628:3.4:client-auth rfc6749:3.2.1:confidential-auth dg:compat:client-auth-every-request: "Confidential clients or other clients issued client credentials MUST authenticate with the authorization server as described in Section 2.3 when making requests to the token endpoint."; the same ClientAuth on both endpoints, awaited afresh for every request.
  await context.auth(context.server, context.client, params, headers);
  return { headers: Object.fromEntries(headers), body: formBody(params), secrets: collectSecrets(params, headers) };
}

/**
 * Sends an authenticated form to an endpoint (read with `configuration.endpoint`).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2 (POST to the token endpoint)
 */
export async function postForm(
  context: RequestContext,
  url: URL,
  form: AuthenticatedForm | URLSearchParams,
  signal?: AbortSignal,
): Promise<PostResult> {
  const { headers, body, secrets } = form instanceof URLSearchParams ? await authenticatedForm(context, form) : form;
  // rfc8628:3.1:post-form rfc6749:3.2:post rfc8628:3.4:token-endpoint rfc6749:2.3.1:no-credentials-in-uri: "The client MUST use the HTTP "POST" method when making access token requests."; parameters and credentials travel in the body, never in the URL.
  const http = await send(context.http, { method: 'POST', url, headers, body }, signal);
  return { http, secrets };
}

function collectSecrets(params: URLSearchParams, headers: Headers): string[] {
  const secrets: string[] = [];
  // dg:security:secret-redaction rfc8628:5.2:device-code-secret: "An attacker who guesses the device code would be able to potentially obtain the authorization code once the user completes the flow."; so the device_code, like every credential sent, is redacted from anything the server sends back.
  for (const name of SECRET_PARAMETERS) secrets.push(...params.getAll(name));
  const authorization = headers.get('authorization');
  if (authorization !== null) {
    const credentials = authorization.replace(/^\S+\s+/, '');
    secrets.push(authorization, credentials, ...basicSecret(credentials));
  }
  return secrets;
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
