// Helpers for the end-to-end tests over real loopback HTTP: the conformance authorization server on
// node:http, discovered and initiated with the platform's fetch, and a poll on the library's own
// timers. Intervals are 0.1 s; timing assertions are lower bounds with TOLERANCE ms of slack.
import {
  None,
  allowInsecureRequests,
  discovery,
  initiateDeviceAuthorization,
  type Configuration,
  type DeviceAuthorizationGrantPollOptions,
  type DeviceAuthorizationResponse,
} from '../../lib/index.js';
import { createAuthorizationServer } from '../server/authorization-server.js';
import { listen, type Listening } from '../server/listen.js';
import type { AuthorizationServer, AuthorizationServerOptions, RecordedRequest } from '../server/types.js';
import { runPoll, type RunResult } from './polling-side.js';

/** Slack on every real-time lower bound, ms. */
export const TOLERANCE = 100;
/** The server's polling interval, seconds. */
export const INTERVAL = 0.1;
/** A public client whose id needs escaping. */
export const CLIENT = 'e2e: client+/%';

export interface Running {
  server: AuthorizationServer;
  listening: Listening;
  config: Configuration;
  device: DeviceAuthorizationResponse;
  started: number;
}

/** A listening server, discovered, with a device authorization already started for `scope`. */
export async function running(options: AuthorizationServerOptions = {}, scope = 'openid profile'): Promise<Running> {
  const server = createAuthorizationServer({
    interval: INTERVAL,
    expiresIn: 10,
    clients: [{ clientId: CLIENT, authMethod: 'none' }],
    ...options,
  });
  const listening = await listen(server);
  const config = await discovery(listening.url, CLIENT, undefined, None(), { execute: [allowInsecureRequests] });
  const started = performance.now();
  const device = await initiateDeviceAuthorization(config, { scope });
  return { server, listening, config, device, started };
}

/** Polls `r` in real time to its end, then closes the server. */
export async function poll(r: Running, options: DeviceAuthorizationGrantPollOptions = {}): Promise<RunResult> {
  try {
    return await runPoll(r.config, r.device, options);
  } finally {
    await r.listening.close();
  }
}

/** The token requests the server recorded. */
export const tokenRequests = (r: Running): RecordedRequest[] => r.server.requests.filter((q) => q.endpoint === 'token');
