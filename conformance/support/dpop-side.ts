// Helpers for the DPoP (RFC 9449) conformance tests: a harness whose server speaks DPoP, a device
// login with a handle on the fake clock, and proof decoding.
import {
  getDPoPHandle,
  initiateDeviceAuthorization,
  pollDeviceAuthorizationGrant,
  randomDPoPKeyPair,
  type DeviceAuthorizationGrantPollOptions,
  type DPoPHandle,
  type PollEvent,
} from '../../lib/index.js';
import type { DPoPServerOptions } from '../server/dpop.js';
import type { RecordedRequest } from '../server/types.js';
import { harness, type AuthKind, type Harness } from './harness.js';

export interface DPoPHarness extends Harness {
  handle: DPoPHandle;
  keyPair: CryptoKeyPair;
}

/** An in-process server with DPoP options, an auto-advancing fake clock, and a handle on a fresh ES256 key. */
export async function dpopHarness(dpop: DPoPServerOptions, options: { auth?: AuthKind; interval?: number; expiresIn?: number; alg?: string } = {}): Promise<DPoPHarness> {
  const h = harness({ auth: options.auth ?? 'none', autoAdvance: true, dpop, interval: options.interval ?? 5, expiresIn: options.expiresIn ?? 600 });
  const keyPair = await randomDPoPKeyPair(options.alg);
  return { ...h, keyPair, handle: getDPoPHandle(h.config, keyPair) };
}

export interface DPoPLogin {
  tokens?: Awaited<ReturnType<typeof pollDeviceAuthorizationGrant>>;
  error?: unknown;
  events: PollEvent[];
  /** Every token request, with the fake-clock time it arrived. */
  token: RecordedRequest[];
}

/** A device login with DPoP: the user approves before poll `approveAfter` + 1. */
export async function dpopLogin(
  h: DPoPHarness,
  options: { approveAfter?: number; scope?: string; jkt?: boolean; poll?: DeviceAuthorizationGrantPollOptions } = {},
): Promise<DPoPLogin> {
  const device = await initiateDeviceAuthorization(h.config, { scope: options.scope ?? 'openid' }, {
    now: h.clock.now,
    ...(options.jkt === true ? { DPoP: h.handle } : {}),
  });
  const events: PollEvent[] = [];
  const result: DPoPLogin = { events, token: [] };
  try {
    result.tokens = await pollDeviceAuthorizationGrant(h.config, device, undefined, {
      DPoP: h.handle,
      now: h.clock.now,
      sleep: h.clock.sleep,
      ...options.poll,
      onPoll: (event) => {
        events.push(event);
        if (events.length === (options.approveAfter ?? 2)) h.server.approve(device.user_code, 'alice');
      },
    });
  } catch (error) {
    result.error = error;
  }
  result.token = h.server.requests.filter((r) => r.endpoint === 'token');
  return result;
}

/** The decoded header and claims of a DPoP proof (no verification: the server does that). */
export function decodeProof(jwt: string | undefined): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const [header = '', claims = ''] = (jwt ?? '').split('.');
  const parse = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  return { header: parse(header), claims: parse(claims) };
}

/** The OAuth error code of a recorded request's answer is not kept; this reads the DPoP proof's nonce. */
export function nonceOf(request: RecordedRequest): unknown {
  return decodeProof(request.headers['dpop']).claims['nonce'];
}
