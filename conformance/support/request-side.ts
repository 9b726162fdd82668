// Helpers for the request-side conformance tests (RFC 8628 §3.1–§3.4, §4, §5; RFC 8707): the
// conformance server on real loopback HTTP, the full flow over it, and error predicates.
import {
  ClientError,
  Configuration,
  allowInsecureRequests,
  initiateDeviceAuthorization,
  pollDeviceAuthorizationGrant,
  type DeviceAuthorizationResponse,
  type ErrorCode,
  type RequestParameters,
} from '../../lib/index.js';
import { createAuthorizationServer } from '../server/authorization-server.js';
import { listen, type Listening } from '../server/listen.js';
import type { AuthorizationServer, AuthorizationServerOptions, RecordedRequest } from '../server/types.js';
import { DEVICE_CODE_PREFIX, configFor, registeredClient, scriptedConfig, type AuthKind } from './harness.js';

/** Real-time polling interval of the loopback flows, seconds (the brief allows at most 0.2). */
export const LOOPBACK_INTERVAL = 0.1;

export interface Loopback {
  server: AuthorizationServer;
  listening: Listening;
  /** A Configuration for the listening server, with allowInsecureRequests applied. */
  config: Configuration;
  close(): Promise<void>;
}

/**
 * The conformance server on 127.0.0.1 with the harness client (an id and secret full of
 * characters that need escaping) registered for `auth`, and a Configuration pointing at it.
 */
export async function loopback(
  auth: AuthKind,
  options: Omit<AuthorizationServerOptions, 'clients' | 'issuer'> = {},
): Promise<Loopback> {
  let counter = 0;
  const server = createAuthorizationServer({
    deviceCodeFactory: () => `${DEVICE_CODE_PREFIX}${++counter}`,
    interval: LOOPBACK_INTERVAL,
    ...options,
    clients: [registeredClient(auth)],
  });
  const listening = await listen(server);
  const base = listening.url.origin;
  const config = configFor(undefined, { issuer: base, token_endpoint: `${base}/token`, device_authorization_endpoint: `${base}/device_authorization` }, auth);
  allowInsecureRequests(config);
  return { server, listening, config, close: () => listening.close() };
}

/** Runs the whole flow on `lb` in real time; the user approves after `approveAfter` polls. */
export async function loopbackFlow(
  lb: Loopback,
  parameters?: RequestParameters,
  pollParameters?: RequestParameters,
  approveAfter = 1,
): Promise<{ device: DeviceAuthorizationResponse; token: Awaited<ReturnType<typeof pollDeviceAuthorizationGrant>> }> {
  const device = await initiateDeviceAuthorization(lb.config, parameters);
  let polls = 0;
  const token = await pollDeviceAuthorizationGrant(lb.config, device, pollParameters, {
    onPoll: () => {
      if (polls++ === approveAfter) lb.server.approve(device.user_code);
    },
  });
  return { device, token };
}

/** initiateDeviceAuthorization against one scripted answer (over http when `insecure`). */
export async function answer(response: () => Response, insecure = false): Promise<DeviceAuthorizationResponse> {
  const { config } = scriptedConfig(response);
  if (insecure) allowInsecureRequests(config);
  return initiateDeviceAuthorization(config);
}

/** Requests the server recorded at one endpoint. */
export function requestsTo(server: AuthorizationServer, endpoint: RecordedRequest['endpoint']): RecordedRequest[] {
  return server.requests.filter((request) => request.endpoint === endpoint);
}

/** The names of a recorded form, in order. */
export function namesOf(request: RecordedRequest): string[] {
  return request.form.map(([name]) => name);
}

/** An `assert.rejects`/`assert.throws` predicate: a ClientError with this code (never a raw TypeError). */
export function clientError(code: ErrorCode): (error: unknown) => boolean {
  return (error: unknown) => {
    if (!(error instanceof ClientError)) throw new Error(`expected ClientError ${code}, got ${String(error)}`);
    if (error.code !== code) throw new Error(`expected ${code}, got ${error.code}: ${error.message}`);
    return true;
  };
}

/** An argument error: a TypeError with Node's ERR_INVALID_ARG_* code. */
export function argError(code: 'ERR_INVALID_ARG_TYPE' | 'ERR_INVALID_ARG_VALUE'): (error: unknown) => boolean {
  return (error: unknown) => {
    if (!(error instanceof TypeError)) throw new Error(`expected TypeError ${code}, got ${String(error)}`);
    const actual = (error as TypeError & { code?: unknown }).code;
    if (actual !== code) throw new Error(`expected ${code}, got ${String(actual)}: ${error.message}`);
    return true;
  };
}
