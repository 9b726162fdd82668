// Helpers for the RFC 6749 (client auth, token response, errors) and RFC 8414 (discovery)
// conformance tests: metadata documents, URL-routed scripted fetches, a full poll against a
// scripted token endpoint, and the conformance server on real loopback HTTP.
import {
  Configuration,
  allowInsecureRequests,
  classifyTokenResponse,
  customFetch,
  discovery,
  pollDeviceAuthorizationGrant,
  type ClientAuth,
  type DeviceAuthorizationGrantPollOptions,
  type DeviceAuthorizationResponse,
  type DiscoveryRequestOptions,
  type TokenOutcome,
} from '../../lib/index.js';
import type { HttpResponse } from '../../lib/http/http.js';
import { createAuthorizationServer } from '../server/authorization-server.js';
import { listen, type Listening } from '../server/listen.js';
import type { AuthorizationServer, AuthorizationServerOptions } from '../server/types.js';
import { createFakeClock, type FakeClock } from './fake-clock.js';
import { CLIENT_ID, DEVICE_CODE_PREFIX, deviceBody, json, registeredClient, scriptedConfig, scriptedFetch, type AuthKind } from './harness.js';

/** A minimal valid metadata document for `issuer` (endpoints under the issuer's path). */
export function metadataDoc(issuer: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const base = issuer.replace(/\/$/, '');
  return {
    issuer,
    token_endpoint: `${base}/token`,
    device_authorization_endpoint: `${base}/device_authorization`,
    ...extra,
  };
}

export type Route = Response | Error | (() => Response | Promise<Response>);

/**
 * A scripted fetch that answers by exact URL. An `Error` route rejects (a network fault); an
 * unknown URL answers 404. Every call is recorded.
 */
export function routedFetch(routes: Record<string, Route>): ReturnType<typeof scriptedFetch> {
  return scriptedFetch(async (url) => {
    const route = routes[url];
    if (route === undefined) return json({ error: 'not_found' }, 404);
    if (route instanceof Error) throw route;
    if (route instanceof Response) return route.clone();
    return route();
  });
}

/** Runs discovery with a routed fetch installed through options[customFetch]. */
export function discoverWith(
  server: string | URL,
  routes: Record<string, Route>,
  options: Omit<DiscoveryRequestOptions, typeof customFetch> = {},
  metadata?: Parameters<typeof discovery>[2],
  clientAuth?: ClientAuth,
): { fetch: ReturnType<typeof routedFetch>; result: Promise<Configuration> } {
  const fetch = routedFetch(routes);
  const url = typeof server === 'string' ? new URL(server) : server;
  const result = discovery(url, CLIENT_ID, metadata, clientAuth, { ...options, [customFetch]: fetch });
  result.catch(() => {}); // the caller awaits or asserts it
  return { fetch, result };
}

/** A Response whose body is `text` as given, served as JSON (for hand-written escapes). */
export function rawJson(text: string, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(text, { status, headers: { 'content-type': 'application/json', ...headers } });
}

/** Reads a Response into the HttpResponse that classifyTokenResponse takes. */
export async function httpOf(response: Response, receivedAt = 0): Promise<HttpResponse> {
  return { response, text: await response.text(), receivedAt };
}

/** classifyTokenResponse applied to a Response. */
export async function classify(response: Response, allowedTokenTypes?: readonly string[], secrets: readonly string[] = []): Promise<TokenOutcome> {
  return classifyTokenResponse(await httpOf(response), secrets, { allowedTokenTypes });
}

/** A valid token response body. */
export function tokenBody(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { access_token: 'at-1', token_type: 'Bearer', expires_in: 3600, ...extra };
}

export interface ScriptedPoll {
  clock: FakeClock;
  fetch: ReturnType<typeof scriptedFetch>;
  config: Configuration;
  result: ReturnType<typeof pollDeviceAuthorizationGrant>;
}

/**
 * A full pollDeviceAuthorizationGrant against a scripted token endpoint (fake clock, auto
 * advance). `respond` gets the poll index (0 for the first poll).
 */
export function scriptedPoll(
  respond: (index: number) => Response | Promise<Response>,
  options: Omit<DeviceAuthorizationGrantPollOptions, 'now' | 'sleep'> = {},
  auth: AuthKind = 'none',
  parameters?: Parameters<typeof pollDeviceAuthorizationGrant>[2],
): ScriptedPoll {
  const clock = createFakeClock({ autoAdvance: true });
  const { config, fetch } = scriptedConfig((_url, _init, index) => respond(index), auth);
  const device = deviceBody() as unknown as DeviceAuthorizationResponse;
  const result = pollDeviceAuthorizationGrant(config, device, parameters, { ...options, now: clock.now, sleep: clock.sleep });
  result.catch(() => {});
  return { clock, fetch, config, result };
}

export interface LoopbackServer {
  server: AuthorizationServer;
  listening: Listening;
  /** The issuer the server publishes (origin, plus `path` when given). */
  issuer: URL;
  close(): Promise<void>;
}

/**
 * The conformance server on 127.0.0.1 (real HTTP) with the harness client registered for each
 * of `auths` (the same id cannot be registered twice, so pass one kind). `path` gives the issuer
 * a path, e.g. '/tenant'.
 */
export async function loopbackServer(
  auth: AuthKind,
  options: Omit<AuthorizationServerOptions, 'clients' | 'issuer'> & { path?: string } = {},
): Promise<LoopbackServer> {
  const { path = '', ...serverOptions } = options;
  let counter = 0;
  const server = createAuthorizationServer({
    deviceCodeFactory: () => `${DEVICE_CODE_PREFIX}${++counter}`,
    interval: 0.1,
    ...serverOptions,
    clients: [registeredClient(auth)],
  });
  const listening = await listen(server);
  server.issuer = listening.url.origin + path;
  return { server, listening, issuer: new URL(server.issuer), close: () => listening.close() };
}

/** discovery() options for a loopback (http) server. */
export const insecure: DiscoveryRequestOptions = { execute: [allowInsecureRequests] };
