// An RFC 8628 authorization server as one request handler, for the conformance tests and the demo.
// `handle()` never throws and never touches the network: `listen()` mounts it on node:http and
// `inProcessFetch()` calls it directly.
import { DEVICE_CODE_GRANT, endpointsFor } from './context.js';
import type { Endpoints, ServerContext } from './context.js';
import { createDPoPState } from './dpop.js';
import { deviceAuthorization } from './endpoints/device-authorization.js';
import { discoveryReply, isDiscoveryPath } from './endpoints/discovery.js';
import { recordPollAnswer, tokenEndpoint } from './endpoints/token.js';
import { FaultQueues, faultReply, pollingAnswerOf } from './faults.js';
import { parseFormPairs } from './form.js';
import { jsonReply, methodNotAllowed, notFound, oauthError } from './replies.js';
import { createIdTokenSigner, randomToken, randomUserCode } from './tokens.js';
import type {
  AuthorizationServer,
  AuthorizationServerOptions,
  EndpointName,
  GrantView,
  RecordedRequest,
  RegisteredClient,
  ServerReply,
  ServerRequest,
} from './types.js';
import { DEFAULT_SUBJECT, decide, verificationPage } from './verification-page.js';

export type * from './types.js';

/** The clients registered when `options.clients` is not given (also printed by the demo server). */
export const demoClients: readonly RegisteredClient[] = Object.freeze([
  { clientId: 'demo-public', authMethod: 'none' },
  { clientId: 'demo-basic', clientSecret: 'demo-basic-secret', authMethod: 'client_secret_basic' },
  { clientId: 'demo-post', clientSecret: 'demo-post-secret', authMethod: 'client_secret_post' },
]);

function classify(pathname: string, endpoints: Endpoints): EndpointName {
  if (isDiscoveryPath(pathname, endpoints)) return 'discovery';
  const relative = pathname.startsWith(endpoints.path) ? pathname.slice(endpoints.path.length) : undefined;
  if (relative === '/token') return 'token';
  if (relative === '/device_authorization') return 'device';
  if (relative === '/device') return 'verification';
  if (relative === '/jwks') return 'jwks';
  return 'unknown';
}

export function createAuthorizationServer(options: AuthorizationServerOptions = {}): AuthorizationServer {
  const context: ServerContext = {
    settings: {
      interval: options.interval ?? 5,
      sendInterval: options.sendInterval ?? true,
      expiresIn: options.expiresIn ?? 600,
      tolerance: options.tolerance ?? 100,
      verificationUriComplete: options.verificationUriComplete ?? true,
      metadataOverrides: options.metadataOverrides ?? {},
      scopesSupported: options.scopesSupported,
      strictBasicEncoding: options.strictBasicEncoding ?? true,
      accessTokenExpiresIn: options.accessTokenExpiresIn ?? 3600,
      deviceCodeFactory: options.deviceCodeFactory ?? randomToken,
      userCodeFactory: options.userCodeFactory ?? randomUserCode,
    },
    now: options.now ?? Date.now,
    clients: new Map((options.clients ?? demoClients).map((client) => [client.clientId, client])),
    grants: new Map(),
    userCodes: new Map(),
    refreshTokens: new Map(),
    signer: createIdTokenSigner(options.idTokenAlg),
    faults: new FaultQueues(),
    forcedSlowDowns: 0,
    dpop: createDPoPState(options.dpop),
  };
  const requests: RecordedRequest[] = [];
  const log = options.log;

  function route(endpoint: EndpointName, request: ServerRequest, pairs: Array<[string, string]>, endpoints: Endpoints): ServerReply {
    const { method } = request;
    switch (endpoint) {
      case 'discovery': {
        const fault = context.faults.take('discovery');
        if (fault) return faultReply(fault);
        // RFC 8414 §3.1: the metadata is queried with GET.
        return method === 'GET' || method === 'HEAD' ? discoveryReply(context, endpoints) : methodNotAllowed('GET');
      }
      case 'device': {
        const fault = context.faults.take('device');
        if (fault) return faultReply(fault);
        // RFC 8628 §3.1: an HTTP POST.
        return method === 'POST' ? deviceAuthorization(context, endpoints, request, pairs) : methodNotAllowed('POST');
      }
      case 'token': {
        const fault = context.faults.take('token');
        if (fault) return tokenFault(faultReply(fault), pairs);
        // RFC 6749 §3.2: the client MUST use POST.
        return method === 'POST' ? tokenEndpoint(context, endpoints, request, pairs) : methodNotAllowed('POST');
      }
      case 'jwks':
        return method === 'GET' || method === 'HEAD' ? jsonReply(200, context.signer.jwks) : methodNotAllowed('GET');
      case 'verification':
        return verificationPage(context, endpoints, request);
      case 'unknown':
        return notFound();
    }
  }

  /**
   * A fault at the token endpoint leaves the device_code's timing alone, unless its body is itself an
   * RFC 8628 §3.5 polling answer (authorization_pending, slow_down): then it counts as that answer.
   */
  function tokenFault(reply: ServerReply, pairs: Array<[string, string]>): ServerReply {
    const answer = pollingAnswerOf(reply);
    if (answer === undefined) return reply;
    const form = new Map(pairs);
    const grant = form.get('grant_type') === DEVICE_CODE_GRANT ? context.grants.get(form.get('device_code') ?? '') : undefined;
    if (grant) {
      if (answer === 'slow_down') grant.intervalMs += 5000; // §3.5: for this and all later requests
      recordPollAnswer(context, grant);
    }
    return reply;
  }

  function logLine(method: string, path: string, reply: ServerReply, started: number): void {
    if (!log) return;
    const outcome = 'status' in reply ? String(reply.status) : reply.fault;
    const safeMethod = method.replace(/[^\x21-\x7E]/g, '?').slice(0, 16);
    const safePath = path.replace(/[^\x21-\x7E]/g, '?').slice(0, 200); // path only: never the query
    log(`${safeMethod} ${safePath} ${outcome} ${(performance.now() - started).toFixed(1)}ms`);
  }

  const server: AuthorizationServer = {
    issuer: options.issuer ?? '',

    async handle(request: ServerRequest): Promise<ServerReply> {
      const started = log ? performance.now() : 0;
      let path = '-';
      let reply: ServerReply;
      try {
        const url = URL.canParse(request.url) ? new URL(request.url) : undefined;
        if (!url) {
          reply = oauthError('invalid_request', 'malformed request URL');
        } else {
          path = url.pathname;
          const endpoints = endpointsFor(server.issuer || url.origin);
          const endpoint = classify(url.pathname, endpoints);
          const pairs = parseFormPairs(request.body);
          requests.push({
            method: request.method,
            path: url.pathname + url.search,
            endpoint,
            headers: { ...request.headers },
            form: pairs,
            body: request.body,
            time: context.now(),
          });
          reply = route(endpoint, request, pairs, endpoints);
        }
      } catch {
        reply = oauthError('server_error', 'internal error', 500);
      }
      logLine(request.method, path, reply, started);
      return reply;
    },

    approve: (userCode, subject = DEFAULT_SUBJECT) => decide(context, userCode, 'approve', subject) === 'ok',
    deny: (userCode) => decide(context, userCode, 'deny', DEFAULT_SUBJECT) === 'ok',
    forceSlowDown(count = 1) {
      context.forcedSlowDowns += count;
    },
    injectFaults(...faults) {
      context.faults.push(faults);
    },
    requests,
    get grants() {
      const now = context.now();
      const views = new Map<string, GrantView>();
      for (const grant of context.grants.values()) {
        const { intervalMs, authTime: _authTime, ...rest } = grant;
        views.set(grant.deviceCode, {
          ...rest,
          resources: [...grant.resources],
          interval: intervalMs / 1000,
          expired: now >= grant.expiresAt,
        });
      }
      return views;
    },
    get jwks() {
      return context.signer.jwks;
    },
    dpop: context.dpop,
    reset() {
      context.grants.clear();
      context.userCodes.clear();
      context.refreshTokens.clear();
      context.faults.clear();
      context.forcedSlowDowns = 0;
      requests.length = 0;
    },
  };
  return server;
}
