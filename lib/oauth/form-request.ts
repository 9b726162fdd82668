/**
 * An authenticated form request as data, for callers that bring their own transport: the
 * headers and the `application/x-www-form-urlencoded` body to send, and the secrets they carry
 * (to redact from the answer). No fetch, no timer, no URL parsing.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3 (client authentication)
 * @see https://www.rfc-editor.org/rfc/rfc6749#appendix-B (form encoding)
 * @module
 */

import type { ClientAuth } from './client-auth.ts';
import { formBody } from './form.ts';
import type { ClientMetadata, ServerMetadata } from './metadata.ts';
import { collectSecrets, type AuthenticatedForm } from './request.ts';

/**
 * Applies `auth` to `params` and encodes them. Synchronous for a synchronous ClientAuth (None,
 * ClientSecretPost, ClientSecretBasic); a Promise when the ClientAuth returns one.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3
 */
export function formRequest(
  server: ServerMetadata,
  client: ClientMetadata,
  auth: ClientAuth,
  params: URLSearchParams,
): AuthenticatedForm | Promise<AuthenticatedForm> {
  const headers = new Headers({
    accept: 'application/json',
    'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
  });
  // RFC 6749 §2.3: the client's one authentication method, applied to this request.
  const applied = auth(server, client, params, headers);
  const done = (): AuthenticatedForm => ({ headers: Object.fromEntries(headers), body: formBody(params), secrets: collectSecrets(params, headers) });
  // dg:sansio:entry: no I/O here; the caller sends the form with its own transport.
  // An assertion-based ClientAuth may be async; ours never are, so their result needs no await.
  const then = (applied as { then?: unknown } | null | undefined)?.then;
  return typeof then === 'function' ? (applied as Promise<void>).then(done) : done();
}
