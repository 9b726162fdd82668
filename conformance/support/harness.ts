// Shared set-up for the conformance tests: the in-process authorization server behind
// customFetch, a fake clock, and credentials that exercise every escaping rule.
import {
  ClientSecretBasic,
  ClientSecretPost,
  Configuration,
  None,
  customFetch,
  pollDeviceAuthorizationGrant,
  type ClientAuth,
  type ClientMetadata,
  type CustomFetch,
  type DeviceAuthorizationResponse,
  type RequestParameters,
  type ServerMetadata,
} from '../../lib/index.js';
import { createAuthorizationServer } from '../server/authorization-server.js';
import type { AuthorizationServer, AuthorizationServerOptions, RegisteredClient } from '../server/types.js';
import { createFakeClock, type FakeClock } from './fake-clock.js';
import { inProcessFetch } from './in-process-fetch.js';

/** RFC 6749 §2.3.1 / App. B: an id and a secret that contain `: + space / % & =`. */
export const CLIENT_ID = 'dev: client+id /%&=';
export const CLIENT_SECRET = 'se: cret+ /%&=£€';
/** A device_code that needs form escaping: `+ & % = /` and a space. */
export const DEVICE_CODE_PREFIX = 'dc+&%=/ ';

export const ISSUER = 'https://as.example.test';

export type AuthKind = 'none' | 'basic' | 'post';

/** Server metadata with the two endpoints under {@link ISSUER}. */
export const METADATA = {
  issuer: ISSUER,
  token_endpoint: `${ISSUER}/token`,
  device_authorization_endpoint: `${ISSUER}/device_authorization`,
};

export interface Harness {
  server: AuthorizationServer;
  clock: FakeClock;
  fetch: CustomFetch;
  config: Configuration;
}

export interface HarnessOptions extends Omit<AuthorizationServerOptions, 'now' | 'issuer' | 'clients'> {
  auth?: AuthKind;
  /** Start the fake clock in auto-advance mode (sleep moves time forward at once). */
  autoAdvance?: boolean;
  issuer?: string;
}

/** The ClientAuth for an auth kind: client_secret_basic, client_secret_post or none. */
export function clientAuthFor(kind: AuthKind): ClientAuth {
  if (kind === 'basic') return ClientSecretBasic();
  if (kind === 'post') return ClientSecretPost();
  return None();
}

/** The registered client for an auth kind, with the harness's special-character credentials. */
export function registeredClient(auth: AuthKind): RegisteredClient {
  if (auth === 'none') return { clientId: CLIENT_ID, authMethod: 'none' };
  return { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, authMethod: auth === 'basic' ? 'client_secret_basic' : 'client_secret_post' };
}

/**
 * A Configuration for the harness client (with its secret unless `auth` is none) that sends every
 * request to `fetch` (undefined: the platform fetch); `clientMetadata` adds client metadata such as
 * `[clockTolerance]`.
 */
export function configFor(
  fetch: CustomFetch | undefined,
  server: ServerMetadata = METADATA,
  auth: AuthKind = 'none',
  clientMetadata?: Partial<ClientMetadata>,
): Configuration {
  const metadata = auth === 'none' ? clientMetadata : { client_secret: CLIENT_SECRET, ...clientMetadata };
  const config = new Configuration(server, CLIENT_ID, metadata, clientAuthFor(auth));
  if (fetch !== undefined) config[customFetch] = fetch;
  return config;
}

/** Builds a server, a fake clock and a Configuration wired to the in-process fetch. */
export function harness(options: HarnessOptions = {}): Harness {
  const { auth = 'none', autoAdvance = false, issuer = ISSUER, ...serverOptions } = options;
  const clock = createFakeClock({ autoAdvance });
  let counter = 0;
  const server = createAuthorizationServer({
    deviceCodeFactory: () => `${DEVICE_CODE_PREFIX}${++counter}`,
    tolerance: 0,
    ...serverOptions,
    issuer,
    now: clock.now,
    clients: [registeredClient(auth)],
  });
  const fetch = inProcessFetch(server) as CustomFetch;
  const endpoints = { issuer, token_endpoint: `${issuer}/token`, device_authorization_endpoint: `${issuer}/device_authorization` };
  return { server, clock, fetch, config: configFor(fetch, endpoints, auth) };
}

/** A customFetch that answers every request with `respond` and records what it was given. */
export function scriptedFetch(respond: (url: string, init: Parameters<CustomFetch>[1], index: number) => Response | Promise<Response>): CustomFetch & {
  calls: Array<{ url: string; init: Parameters<CustomFetch>[1] }>;
} {
  const calls: Array<{ url: string; init: Parameters<CustomFetch>[1] }> = [];
  const fn = (async (url: string, init: Parameters<CustomFetch>[1]) => {
    calls.push({ url, init });
    return respond(url, init, calls.length - 1);
  }) as CustomFetch & { calls: typeof calls };
  fn.calls = calls;
  return fn;
}

/** A Configuration over a scripted fetch, for tests that need exact control of the wire. */
export function scriptedConfig(
  respond: Parameters<typeof scriptedFetch>[0],
  auth: AuthKind = 'none',
): { config: Configuration; fetch: ReturnType<typeof scriptedFetch> } {
  const fetch = scriptedFetch(respond);
  return { config: configFor(fetch, METADATA, auth), fetch };
}

/** An `assert.rejects` predicate: an error whose `code` is `code` (a ClientError's or an argument error's). */
export function isCode(code: string): (error: unknown) => boolean {
  return (error) => (error as { code?: unknown }).code === code;
}

/** A JSON response, as a server would send it. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

/** A valid device authorization response body. */
export function deviceBody(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    device_code: `${DEVICE_CODE_PREFIX}1`,
    user_code: 'WDJB-MJHT',
    verification_uri: `${ISSUER}/device`,
    verification_uri_complete: `${ISSUER}/device?user_code=WDJB-MJHT`,
    expires_in: 600,
    interval: 5,
    ...extra,
  };
}

/** Parses a form body the way a server does (RFC 6749 App. B). */
export function formOf(body: string | undefined): URLSearchParams {
  return new URLSearchParams(body ?? '');
}

/**
 * Polls on the harness's fake clock while the server keeps answering authorization_pending, and
 * approves the code just before poll number `approveAfter` + 1, as a user would.
 */
export async function pollUntilApproved(
  h: Harness,
  device: DeviceAuthorizationResponse,
  options: { config?: Configuration; parameters?: RequestParameters | undefined; approveAfter?: number } = {},
): Promise<Awaited<ReturnType<typeof pollDeviceAuthorizationGrant>>> {
  let polls = 0;
  return pollDeviceAuthorizationGrant(options.config ?? h.config, device, options.parameters, {
    now: h.clock.now,
    sleep: h.clock.sleep,
    onPoll: () => {
      if (++polls === (options.approveAfter ?? 3)) h.server.approve(device.user_code);
    },
  });
}
