// The device authorization endpoint (RFC 8628 §3.1 request, §3.2 response).
import type { Endpoints, ServerContext } from '../context.js';
import { withNonce } from '../dpop.js';
import { jsonReply, oauthError } from '../replies.js';
import { normalizeUserCode } from '../tokens.js';
import type { Grant, HttpReply, ServerRequest } from '../types.js';
import { checkResources, checkScope, readClientRequest } from './common.js';

export function deviceAuthorization(
  context: ServerContext,
  endpoints: Endpoints,
  request: ServerRequest,
  pairs: Array<[string, string]>,
): HttpReply {
  const checked = readClientRequest(context, request, pairs, endpoints);
  if (!checked.ok) return checked.reply;
  const { params, client } = checked.value;
  const { settings } = context;

  const scope = params.get('scope');
  const resources = params.all('resource');
  const problem = checkScope(scope, settings.scopesSupported) ?? checkResources(resources, undefined);
  if (problem) return problem;

  const codes = freshCodes(context);
  if (!codes) return oauthError('server_error', 'could not generate unique codes', 500);

  const now = context.now();
  // RFC 8628 §3.2: when no interval is sent, clients MUST use 5 seconds, so that is what the server enforces.
  const enforcedInterval = settings.sendInterval ? settings.interval : 5;
  const grant: Grant = {
    deviceCode: codes.deviceCode,
    userCode: codes.userCode,
    clientId: client.clientId,
    scope,
    resources,
    status: 'pending',
    intervalMs: enforcedInterval * 1000,
    pollCount: 0,
    subject: undefined,
    authTime: undefined,
    expiresAt: now + settings.expiresIn * 1000, // §3.2 expires_in: lifetime of device_code and user_code
    lastResponseAt: now, // §3.5: the first poll waits one interval from this response
    dpopJkt: params.get('dpop_jkt'), // RFC 9449 §10
  };
  context.grants.set(grant.deviceCode, grant);
  context.userCodes.set(normalizeUserCode(grant.userCode), grant.deviceCode);

  const body: Record<string, unknown> = {
    device_code: grant.deviceCode,
    user_code: grant.userCode,
    verification_uri: endpoints.verification,
  };
  if (settings.verificationUriComplete) {
    // §3.3.1: a verification URI that carries the user_code.
    const complete = new URL(endpoints.verification);
    complete.searchParams.set('user_code', grant.userCode);
    body['verification_uri_complete'] = complete.href;
  }
  body['expires_in'] = settings.expiresIn;
  if (settings.sendInterval) body['interval'] = settings.interval;
  const reply = jsonReply(200, body); // §3.2: application/json, 200
  return context.dpop.options.nonceAtDeviceEndpoint === true ? withNonce(context.dpop, reply) : reply;
}

/** RFC 8628 §3.2: a unique device_code and user_code; retries a few times when a factory repeats itself. */
function freshCodes(context: ServerContext): { deviceCode: string; userCode: string } | undefined {
  for (let attempt = 0; attempt < 10; attempt++) {
    const deviceCode = context.settings.deviceCodeFactory();
    const userCode = context.settings.userCodeFactory();
    if (!context.grants.has(deviceCode) && !context.userCodes.has(normalizeUserCode(userCode))) {
      return { deviceCode, userCode };
    }
  }
  return undefined;
}
