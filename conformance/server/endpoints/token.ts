// The token endpoint: the device_code grant (RFC 8628 §3.4, §3.5) and refresh (RFC 6749 §6),
// answered per RFC 6749 §5.1 and §5.2.
import { DEVICE_CODE_GRANT } from '../context.js';
import type { Endpoints, ServerContext } from '../context.js';
import type { FormParams } from '../form.js';
import { tokenRequestProof, withNonce } from '../dpop.js';
import { jsonReply, oauthError } from '../replies.js';
import { randomToken } from '../tokens.js';
import type { Grant, HttpReply, RefreshGrant, RegisteredClient, ServerRequest } from '../types.js';
import { checkResources, checkScope, readClientRequest } from './common.js';

export function tokenEndpoint(
  context: ServerContext,
  endpoints: Endpoints,
  request: ServerRequest,
  pairs: Array<[string, string]>,
): HttpReply {
  const checked = readClientRequest(context, request, pairs, endpoints);
  if (!checked.ok) return checked.reply;
  const { params, client } = checked.value;
  const grantType = params.get('grant_type');
  if (grantType === undefined) return oauthError('invalid_request', 'missing grant_type');
  // RFC 9449 §5: a DPoP proof, when sent, is checked before the grant (a nonce demand is not a poll).
  const proof = tokenRequestProof(context.dpop, request, endpoints.token, context.now());
  if ('reply' in proof) return proof.reply;
  const { jkt } = proof;
  let reply: HttpReply;
  if (grantType === DEVICE_CODE_GRANT) reply = deviceCodeGrant(context, endpoints, params, client, jkt); // RFC 8628 §3.4
  else if (grantType === 'refresh_token') reply = refreshGrant(context, endpoints, params, client, jkt); // RFC 6749 §6
  else reply = oauthError('unsupported_grant_type'); // RFC 6749 §5.2
  // RFC 9449 §8.2: every answer carries the nonce to use next, pending ones included.
  return withNonce(context.dpop, reply);
}

/** The OAuth answer to a device_code poll of a known grant, and the timing bookkeeping that goes with it. */
function deviceCodeGrant(
  context: ServerContext,
  endpoints: Endpoints,
  params: FormParams,
  client: RegisteredClient,
  jkt: string | undefined,
): HttpReply {
  const deviceCode = params.get('device_code'); // §3.4: REQUIRED
  if (deviceCode === undefined) return oauthError('invalid_request', 'missing device_code');
  const grant = context.grants.get(deviceCode);
  // RFC 6749 §5.2 invalid_grant: unknown, or issued to another client.
  if (!grant || grant.clientId !== client.clientId) return oauthError('invalid_grant', 'unknown device_code');
  // RFC 9449 §10: codes bound with dpop_jkt are redeemed only with a proof of that key.
  if (grant.dpopJkt !== undefined && grant.dpopJkt !== jkt) return oauthError('invalid_dpop_proof', 'the proof key does not match dpop_jkt');
  const reply = answerPoll(context, endpoints, grant, params, jkt);
  recordPollAnswer(context, grant);
  return reply;
}

/** A token-endpoint answer for this device_code was sent now: the next interval counts from here (§3.5). */
export function recordPollAnswer(context: ServerContext, grant: Grant): void {
  grant.pollCount += 1;
  grant.lastResponseAt = context.now();
}

/** §3.5 slow_down: the interval grows by 5 seconds for this and all later requests. */
export function slowDown(grant: Grant): HttpReply {
  grant.intervalMs += 5000;
  return oauthError('slow_down', 'polling too fast; add 5 seconds to the interval');
}

function answerPoll(context: ServerContext, endpoints: Endpoints, grant: Grant, params: FormParams, jkt: string | undefined): HttpReply {
  // A device_code is redeemed once; RFC 6749 §5.2 invalid_grant afterwards.
  if (grant.status === 'redeemed') return oauthError('invalid_grant', 'device_code already used');
  const resourceProblem = checkResources(params.all('resource'), grant.resources); // RFC 8707 §2.2
  if (resourceProblem) return resourceProblem;
  const now = context.now();
  // §3.5 expired_token: the device_code has expired (§3.2 expires_in).
  if (now >= grant.expiresAt) return oauthError('expired_token', 'the device_code has expired');
  if (context.forcedSlowDowns > 0) {
    context.forcedSlowDowns -= 1;
    return slowDown(grant);
  }
  // §3.5: the client MUST wait at least the interval in force before each new request.
  if (now - grant.lastResponseAt < grant.intervalMs - context.settings.tolerance) return slowDown(grant);
  if (grant.status === 'denied') return oauthError('access_denied', 'the user denied the request'); // §3.5
  if (grant.status === 'pending') return oauthError('authorization_pending'); // §3.5
  grant.status = 'redeemed';
  return issueTokens(context, endpoints, {
    clientId: grant.clientId,
    scope: grant.scope,
    resources: grant.resources,
    subject: grant.subject ?? 'user',
    authTime: grant.authTime ?? now,
    jkt,
  });
}

/** RFC 6749 §6: refresh, rotating the refresh token (the old one stops working). */
function refreshGrant(
  context: ServerContext,
  endpoints: Endpoints,
  params: FormParams,
  client: RegisteredClient,
  jkt: string | undefined,
): HttpReply {
  const refreshToken = params.get('refresh_token');
  if (refreshToken === undefined) return oauthError('invalid_request', 'missing refresh_token');
  const record = context.refreshTokens.get(refreshToken);
  // §6: the refresh token is bound to the client it was issued to.
  if (!record || record.clientId !== client.clientId) return oauthError('invalid_grant', 'unknown refresh_token');
  // RFC 9449 §5: a DPoP-bound refresh token needs a proof of the same key.
  if (record.jkt !== undefined && record.jkt !== jkt) return oauthError('invalid_dpop_proof', 'the refresh token is bound to another key');
  // §6: the requested scope MUST NOT include any scope not originally granted.
  const scope = params.get('scope');
  const problem =
    checkScope(scope, record.scope === undefined ? [] : record.scope.split(' ')) ??
    checkResources(params.all('resource'), record.resources);
  if (problem) return problem;
  context.refreshTokens.delete(refreshToken);
  // §6: a new refresh token keeps the scope of the old one; the access token gets the requested scope.
  return issueTokens(context, endpoints, { ...record, scope: scope ?? record.scope, jkt }, record.scope);
}

/** RFC 6749 §5.1 success, plus an OpenID Connect ID token when the scope includes openid. */
function issueTokens(
  context: ServerContext,
  endpoints: Endpoints,
  grant: RefreshGrant,
  refreshScope: string | undefined = grant.scope,
): HttpReply {
  const refreshToken = randomToken();
  const client = context.clients.get(grant.clientId);
  // RFC 9449 §5: only a public client's refresh token is bound to its DPoP key.
  const refreshJkt = client?.authMethod === 'none' ? grant.jkt : undefined;
  context.refreshTokens.set(refreshToken, { ...grant, scope: refreshScope, jkt: refreshJkt });
  const expiresIn = context.settings.accessTokenExpiresIn;
  const accessToken = randomToken();
  // RFC 9449 §5, §6.1: a token issued to a proof is bound to its key (cnf.jkt) and typed DPoP.
  const bound = grant.jkt !== undefined && context.dpop.options.bearer !== true;
  if (bound) context.dpop.boundTokens.set(accessToken, grant.jkt!);
  const body: Record<string, unknown> = {
    access_token: accessToken,
    token_type: bound ? 'DPoP' : 'Bearer', // RFC 6750, RFC 9449 §5
    expires_in: expiresIn,
    refresh_token: refreshToken,
  };
  if (grant.scope !== undefined) body['scope'] = grant.scope;
  if (grant.scope?.split(' ').includes('openid')) {
    const iat = Math.floor(context.now() / 1000);
    // OpenID Connect Core §2: iss, sub, aud, exp, iat, auth_time.
    body['id_token'] = context.signer.sign({
      iss: endpoints.issuer,
      sub: grant.subject,
      aud: grant.clientId,
      exp: iat + expiresIn,
      iat,
      auth_time: Math.floor(grant.authTime / 1000),
    });
  }
  return jsonReply(200, body);
}
