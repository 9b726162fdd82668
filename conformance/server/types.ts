// Types shared by the conformance authorization server, its HTTP mount and its in-process fetch.

/** One HTTP request as the handler sees it: absolute URL, lower-case header names, text body. */
export interface ServerRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** A normal HTTP answer. */
export interface HttpReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What the handler answers: an HTTP reply, or a transport fault for the mount to act out. */
import type { DPoPServerOptions, DPoPServerState } from './dpop.js';

export type ServerReply = HttpReply | { fault: 'reset' } | { fault: 'hang' };

export type ClientAuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'client_secret_jwt';

export interface RegisteredClient {
  clientId: string;
  clientSecret?: string;
  authMethod: ClientAuthMethod;
  /** private_key_jwt: the client's public keys (JWKs). */
  jwks?: Array<Record<string, unknown>>;
}

/** A scripted misbehaviour. `status` defaults are given next to each kind. */
export type Fault =
  | { kind: 'status'; status?: number; retryAfter?: string } // 503, text body
  | { kind: 'json'; status?: number; body: unknown; retryAfter?: string } // 500
  | { kind: 'html'; status?: number } // 502, e.g. a proxy or captive portal
  | { kind: 'empty'; status?: number; retryAfter?: string } // 429, zero-length body
  | { kind: 'reset' } // the connection is dropped
  | { kind: 'hang' } // no answer, ever
  | { kind: 'pending-200'; retryAfter?: string } // 200 {"error":"authorization_pending"}
  | { kind: 'redirect'; location: string; status?: number } // 302
  | { kind: 'raw'; status: number; headers?: Record<string, string>; body?: string };

/** Endpoints a fault can target. */
export type FaultTarget = 'token' | 'device' | 'discovery';

export interface TargetedFault {
  endpoint: FaultTarget;
  fault: Fault;
}

export type EndpointName = FaultTarget | 'jwks' | 'verification' | 'unknown';

export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/token`. */
  path: string;
  endpoint: EndpointName;
  headers: Record<string, string>;
  /** The body parsed as a form (RFC 6749 App. B), every pair in order, empty values kept. */
  form: Array<[string, string]>;
  body: string;
  /** `now()` when the request arrived. */
  time: number;
}

export type GrantStatus = 'pending' | 'approved' | 'denied' | 'redeemed';

/** A snapshot of one device authorization, for tests to inspect. */
export interface GrantView {
  deviceCode: string;
  userCode: string;
  clientId: string;
  scope: string | undefined;
  resources: string[];
  status: GrantStatus;
  expired: boolean;
  /** Seconds the server currently requires between polls (grows by 5 on each slow_down). */
  interval: number;
  /** Token requests for this device_code that got an OAuth answer (faults excluded unless they carry one). */
  pollCount: number;
  subject: string | undefined;
  expiresAt: number;
  /** `now()` when the last OAuth answer for this device_code was sent. */
  lastResponseAt: number;
}

/** The server's mutable record of a device authorization. */
export interface Grant {
  deviceCode: string;
  userCode: string;
  clientId: string;
  scope: string | undefined;
  resources: string[];
  status: GrantStatus;
  intervalMs: number;
  pollCount: number;
  subject: string | undefined;
  authTime: number | undefined;
  expiresAt: number;
  lastResponseAt: number;
  /** RFC 9449 §10: the dpop_jkt sent with the device authorization request, if any. */
  dpopJkt?: string | undefined;
}

export interface RefreshGrant {
  clientId: string;
  scope: string | undefined;
  resources: string[];
  subject: string;
  authTime: number;
  /** RFC 9449 §5: a public client's refresh token is bound to its DPoP key. */
  jkt?: string | undefined;
}

export interface AuthorizationServerOptions {
  /** The issuer identifier. When unset, the request's origin is used until it is set. */
  issuer?: string;
  /** Clock in epoch ms (default Date.now). */
  now?: () => number;
  /** Polling interval in seconds, fractional allowed (default 5). */
  interval?: number;
  /** Send `interval` in the device authorization response (default true). When false the server enforces 5 s (RFC 8628 §3.2). */
  sendInterval?: boolean;
  /** device_code and user_code lifetime in seconds (default 600). */
  expiresIn?: number;
  /** Registered clients (default: demoClients). */
  clients?: RegisteredClient[];
  deviceCodeFactory?: () => string;
  userCodeFactory?: () => string;
  /** One line per request: method, path, status, duration. Never secrets. */
  log?: (line: string) => void;
  /** Slack in ms when deciding that a poll came too early (default 100). */
  tolerance?: number;
  /** Send verification_uri_complete (default true). */
  verificationUriComplete?: boolean;
  /** Shallow-merged into the metadata document; a value of `undefined` removes the member. */
  metadataOverrides?: Record<string, unknown>;
  /** When set, scopes outside this list get invalid_scope; it is also published as scopes_supported. */
  scopesSupported?: string[];
  /**
   * Reject Basic credentials whose raw user or password holds characters that the
   * form-urlencoding of RFC 6749 §2.3.1 / App. B would have escaped (default true).
   */
  strictBasicEncoding?: boolean;
  /** Access token lifetime in seconds (default 3600). */
  accessTokenExpiresIn?: number;
  /** The alg of the ID tokens (default RS256); both keys are in the JWKS either way. */
  idTokenAlg?: 'RS256' | 'ES256';
  /** DPoP (RFC 9449) at the token endpoint: nonces, binding; see DPoPServerOptions. */
  dpop?: DPoPServerOptions;
}

export interface AuthorizationServer {
  /** The issuer identifier; `listen()` sets it when it is empty. */
  issuer: string;
  handle(request: ServerRequest): Promise<ServerReply>;
  /** Approve a pending, unexpired authorization. Returns false when there is none for that code. */
  approve(userCode: string, subject?: string): boolean;
  /** Deny a pending, unexpired authorization. Returns false when there is none for that code. */
  deny(userCode: string): boolean;
  /** The next `count` device_code token requests answer slow_down regardless of timing. */
  forceSlowDown(count?: number): void;
  /** Queue faults. A bare Fault targets the token endpoint; each endpoint's queue is FIFO. */
  injectFaults(...faults: Array<Fault | TargetedFault>): void;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Snapshots of every device authorization, by device_code. */
  readonly grants: ReadonlyMap<string, GrantView>;
  /** DPoP bookkeeping: the current nonce, used jtis, bound tokens. */
  readonly dpop: DPoPServerState;
  /** The public signing keys (as served at jwks_uri). */
  readonly jwks: { keys: Array<Record<string, unknown>> };
  /** Forget grants, tokens, requests, faults and forced slow_downs (keys and issuer stay). */
  reset(): void;
}
