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
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
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
 * @see https://www.rfc-editor.org/rfc/rfc6749#appendix-B (form encoding, UTF-8)
 */
export async function authenticatedForm(context: RequestContext, params: URLSearchParams): Promise<AuthenticatedForm> {
  const headers = new Headers({
    accept: 'application/json',
    'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
  });
  // RFC 6749 §3.2.1 and RFC 8628 §3.1: the same authentication on every request, freshly applied.
  await context.auth(context.server, context.client, params, headers);
  return { headers: Object.fromEntries(headers), body: formBody(params), secrets: collectSecrets(params, headers) };
}

/**
 * Sends an authenticated form to an endpoint (read with `configuration.endpoint`).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
 */
export async function postForm(
  context: RequestContext,
  url: URL,
  form: AuthenticatedForm | URLSearchParams,
  signal?: AbortSignal,
): Promise<PostResult> {
  const { headers, body, secrets } = form instanceof URLSearchParams ? await authenticatedForm(context, form) : form;
  const http = await send(context.http, { method: 'POST', url, headers, body }, signal);
  return { http, secrets };
}

/**
 * The secrets a request carries (secret parameters, the Authorization header, and a Basic
 * password decoded), so that an echo of any of them is redacted from what the server answers.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-5.2
 */
export function collectSecrets(params: URLSearchParams, headers: Headers): string[] {
  const secrets: string[] = [];
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
