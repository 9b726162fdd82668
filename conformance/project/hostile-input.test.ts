// Hostile input: a server-chosen value of any type, and options of any type, end in a typed error
// (a ClientError with a stable code, or an ERR_INVALID_ARG_* TypeError), never a raw TypeError,
// never a request sent on a bad option, and never a timer that throws after the call settled.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import {
  ClientError,
  classifyTokenResponse,
  customFetch,
  discovery,
  initiateDeviceAuthorization,
  pollDeviceAuthorizationGrant,
  refreshTokenGrant,
  resumeDeviceAuthorizationGrant,
  validateDeviceAuthorizationResponse,
  validateTokenResponse,
  type DPoPHandle,
  type DeviceAuthorizationResponse,
  type PollingState,
} from '../../lib/index.js';
import { classifyTokenAnswer, initialState, type HttpResponse } from '../../lib/sans-io.js';
import { profileHint } from '../../lib/oauth/profile-hint.js';
import { ISSUER, deviceBody, json, scriptedConfig, scriptedFetch } from '../support/harness.js';

const EVIL = { issuer: { toString: 1 } };
const SECRET = 'SECRET-in-the-body-42';

/** A device authorization response as the caller holds it (expires_in a number). */
function device(code: string): DeviceAuthorizationResponse {
  return { device_code: code, user_code: 'U', verification_uri: `${ISSUER}/device`, expires_in: 60, interval: 1 };
}

/** Polls on fake time: sleeps move the clock. */
function fakeTime(): { now: () => number; sleep: (ms: number) => Promise<void> } {
  let t = 1_700_000_000_000;
  return {
    now: () => t,
    sleep: async (ms) => {
      t += ms;
    },
  };
}

/** A typed library error (not a raw TypeError) with this code. */
function typed(code: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof ClientError, `a ClientError, not ${inspect(error)}`);
    assert.equal(error.code, code);
    return true;
  };
}

/** An argument error, ERR_INVALID_ARG_TYPE, naming the option. */
function argType(name: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof TypeError && !(error instanceof ClientError), inspect(error));
    assert.equal((error as TypeError & { code?: string }).code, 'ERR_INVALID_ARG_TYPE');
    assert.match(error.message, new RegExp(`options\\.${name}`));
    return true;
  };
}

/** A JSON response whose headers throw a raw TypeError (quoting a secret) when `name` is read: a stand-in for a bug in reading. */
function throwingHeader(body: unknown, status: number, name: string): Response {
  const response = json(body, status);
  const get = response.headers.get.bind(response.headers);
  Object.defineProperty(response.headers, 'get', {
    value: (header: string) => {
      if (header === name) throw new TypeError(`Cannot read ${SECRET}`);
      return get(header);
    },
  });
  return response;
}

function assertNoSecret(error: unknown): void {
  assert.equal((error as Error).cause, undefined, 'no cause: it could quote the body');
  assert.ok(!inspect(error).includes(SECRET) && !String(error).includes(SECRET), 'the raw message never shows');
}

test('dg:security:wrong-types-rejected dg:profiles:hint an object issuer ({toString: 1}) is no provider sign: a 400 poll, a 503 and a 200 device authorization answer, and a 404 discovery answer are typed errors', async () => {
  const poll = scriptedConfig(() => json(EVIL, 400));
  await assert.rejects(pollDeviceAuthorizationGrant(poll.config, device('dc-evil-400'), undefined, fakeTime()), typed('OAUTH_RESPONSE_IS_NOT_CONFORM'));
  const unavailable = scriptedConfig(() => json(EVIL, 503));
  await assert.rejects(initiateDeviceAuthorization(unavailable.config), typed('OAUTH_RESPONSE_IS_NOT_CONFORM'));
  const missing = scriptedConfig(() => json({ device_code: 'x', ...EVIL }));
  await assert.rejects(initiateDeviceAuthorization(missing.config), typed('OAUTH_INVALID_RESPONSE'));
  const fetch = scriptedFetch(() => json(EVIL, 404));
  await assert.rejects(discovery(new URL(ISSUER), 'c', undefined, undefined, { [customFetch]: fetch }), typed('OAUTH_RESPONSE_IS_NOT_CONFORM'));
  assert.equal(fetch.calls.length, 1);
  // The hint still reads a string issuer, and nothing else.
  assert.match(profileHint({ issuer: 'https://sts.windows.net/tenant/' }), /entra-v1/);
  for (const issuer of [{ toString: 1 }, { toString: () => 'https://sts.windows.net/' }, ['https://sts.windows.net/'], 7, null]) {
    assert.equal(profileHint({ issuer }), '', inspect(issuer));
  }
});

test('dg:security:wrong-types-rejected dg:polling:transient-classes a 503 with an object issuer is transient: polling retries it until the codes expire', async () => {
  const { config, fetch } = scriptedConfig(() => json(EVIL, 503));
  await assert.rejects(pollDeviceAuthorizationGrant(config, device('dc-evil-503'), undefined, fakeTime()), (error: unknown) => {
    assert.ok(error instanceof ClientError && error.code === 'OAUTH_TIMEOUT' && error.error === 'expired_token', inspect(error));
    return true;
  });
  assert.ok(fetch.calls.length > 3, `${fetch.calls.length} requests`);
});

test('dg:security:wrong-types-rejected dg:profiles:hint dg:sansio:entry classifyTokenAnswer given the hint reads an object issuer as no sign', () => {
  const http: HttpResponse = { response: json(EVIL, 400), text: JSON.stringify(EVIL), receivedAt: 0 };
  const outcome = classifyTokenAnswer(http, [], { hint: profileHint });
  assert.equal(outcome.kind, 'terminal');
  assert.ok(outcome.kind === 'terminal' && outcome.error instanceof ClientError && outcome.error.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM');
});

test('dg:security:answer-firewall dg:sansio:entry a raw error thrown while classifyTokenAnswer reads a token answer is a typed outcome without cause: terminal for a 400, transient for a 503', () => {
  for (const [status, kind] of [
    [400, 'terminal'],
    [404, 'terminal'],
    [503, 'transient'],
    [429, 'transient'],
  ] as const) {
    const outcome = classifyTokenAnswer({ response: throwingHeader({ message: 'no' }, status, 'retry-after'), text: '{"message":"no"}', receivedAt: 0 }, []);
    assert.equal(outcome.kind, kind, String(status));
    const error = (outcome as { error: Error }).error;
    assert.ok(error instanceof ClientError && error.code === 'OAUTH_INVALID_RESPONSE', inspect(error));
    assertNoSecret(error);
  }
});

test('dg:security:answer-firewall dg:sansio:entry what the caller\'s own hooks throw (idToken, challenge, hint, the DPoP handle\'s checkBound) is the outcome\'s error, unchanged', () => {
  const own = new RangeError('the caller\'s own check');
  const throws = (): never => {
    throw own;
  };
  const token = { access_token: 'at', token_type: 'DPoP', id_token: 'x.y.z' };
  const answer = (body: unknown, status: number, headers: Record<string, string> = {}): HttpResponse => ({
    response: new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } }),
    text: JSON.stringify(body),
    receivedAt: 0,
  });
  const dpop = { isNonceDemand: () => false, checkBound: throws };
  const cases: [HttpResponse, Parameters<typeof classifyTokenAnswer>[2], string][] = [
    [answer(token, 200), { idToken: throws }, 'terminal'],
    [answer(token, 200), { dpop }, 'terminal'],
    [answer({}, 401, { 'www-authenticate': 'Bearer error="invalid_token"' }), { challenge: throws }, 'terminal'],
    [answer({ message: 'no' }, 404), { hint: throws }, 'terminal'],
    [answer({ message: 'no' }, 503), { hint: throws }, 'transient'],
  ];
  for (const [http, options, kind] of cases) {
    const outcome = classifyTokenAnswer(http, [], options);
    assert.ok(outcome.kind === kind && (outcome as { error?: unknown }).error === own, inspect(outcome));
  }
});

test('dg:security:answer-firewall in the main entry the ID token check is ours (a raw error from it is typed, without cause) and the DPoP handle is the caller\'s (its error passes unchanged)', () => {
  const token = { access_token: 'at', token_type: 'DPoP', id_token: 'x.y.z' };
  const http: HttpResponse = { response: json(token), text: JSON.stringify(token), receivedAt: 0 };
  const client = {
    client_id: 'c',
    get id_token_signed_response_alg(): string {
      throw new TypeError(`bug ${SECRET}`);
    },
  };
  const typedOutcome = classifyTokenResponse(http, [], { idToken: { server: { issuer: ISSUER }, client, now: 0 } });
  assert.ok(typedOutcome.kind === 'terminal' && typedOutcome.error instanceof ClientError && typedOutcome.error.code === 'OAUTH_INVALID_RESPONSE', inspect(typedOutcome));
  assertNoSecret(typedOutcome.error);
  const own = new RangeError('the caller\'s policy');
  const handle = {
    isNonceDemand: () => false,
    checkBound: () => {
      throw own;
    },
  } as unknown as DPoPHandle;
  const outcome = classifyTokenResponse(http, [], { dpop: handle });
  assert.ok(outcome.kind === 'terminal' && outcome.error === own, inspect(outcome));
});

test('dg:security:answer-firewall a raw error while reading a poll answer (400: terminal; 503: retried), a device authorization answer or a discovery document is OAUTH_INVALID_RESPONSE without cause', async () => {
  const terminal = scriptedConfig(() => throwingHeader({ error: 'nope' }, 400, 'retry-after'));
  await assert.rejects(pollDeviceAuthorizationGrant(terminal.config, device('dc-fw-400'), undefined, fakeTime()), (error: unknown) => {
    typed('OAUTH_INVALID_RESPONSE')(error);
    assertNoSecret(error);
    return true;
  });
  assert.equal(terminal.fetch.calls.length, 1);
  const transient = scriptedConfig((_url, _init, index) => (index < 2 ? throwingHeader({}, 503, 'retry-after') : json({ access_token: 'at', token_type: 'Bearer' })));
  const token = await pollDeviceAuthorizationGrant(transient.config, device('dc-fw-503'), undefined, fakeTime());
  assert.equal(token.access_token, 'at');
  assert.equal(transient.fetch.calls.length, 3);

  const init = scriptedConfig(() => throwingHeader(deviceBody(), 200, 'content-type'));
  await assert.rejects(initiateDeviceAuthorization(init.config), (error: unknown) => {
    typed('OAUTH_INVALID_RESPONSE')(error);
    assertNoSecret(error);
    return true;
  });
  const metadata = { issuer: ISSUER, token_endpoint: `${ISSUER}/token` };
  const fetch = scriptedFetch(() => throwingHeader(metadata, 200, 'content-type'));
  await assert.rejects(discovery(new URL(ISSUER), 'c', undefined, undefined, { [customFetch]: fetch }), (error: unknown) => {
    typed('OAUTH_INVALID_RESPONSE')(error);
    assertNoSecret(error);
    return true;
  });
});

test('dg:security:answer-firewall refreshTokenGrant: a raw error while the answer is read is OAUTH_INVALID_RESPONSE without cause; an error of the caller\'s own code (a custom DPoP handle, or in poll too; the clock) passes unchanged', async () => {
  const raw = scriptedConfig(() => throwingHeader({}, 401, 'www-authenticate'));
  await assert.rejects(refreshTokenGrant(raw.config, 'rt', undefined), (error: unknown) => {
    typed('OAUTH_INVALID_RESPONSE')(error);
    assertNoSecret(error);
    return true;
  });
  const mine = new Error('my policy');
  const handle = {
    proof: async () => 'proof',
    observe: () => {},
    isNonceDemand: () => false,
    checkBound: () => {
      throw mine;
    },
    thumbprint: async () => 'thumbprint',
  } as unknown as DPoPHandle;
  const { config } = scriptedConfig(() => json({ access_token: 'at', token_type: 'DPoP' }));
  await assert.rejects(refreshTokenGrant(config, 'rt', undefined, { DPoP: handle }), (error: unknown) => error === mine);
  await assert.rejects(pollDeviceAuthorizationGrant(config, device('dc-fw-handle'), undefined, { ...fakeTime(), DPoP: handle }), (error: unknown) => error === mine);
  // The clock is read once for the arrival, then once for the ID token check: that second read is the caller's own error.
  const own = new RangeError('the caller\'s clock');
  let reads = 0;
  const now = (): number => {
    if (++reads > 1) throw own;
    return Date.now();
  };
  await assert.rejects(refreshTokenGrant(config, 'rt', undefined, { now }), (error: unknown) => error === own);
});

test('dg:compat:signal-argument a signal that is not an AbortSignal (one that only inherits from AbortSignal.prototype included) is ERR_INVALID_ARG_TYPE before any request, in every entry that takes one', async () => {
  const { config, fetch } = scriptedConfig(() => json({ error: 'authorization_pending' }, 400));
  const state: PollingState = initialState({ device_code: 'dc-resume', expires_in: 60, interval: 1, receivedAt: Date.now() });
  // Both pass instanceof AbortSignal, but neither is one: AbortSignal's own getter refuses them.
  const lookAlikes = [Object.create(AbortSignal.prototype), Object.create(AbortSignal.prototype, { aborted: { value: false } })];
  for (const signal of [{}, { aborted: false }, { aborted: false, addEventListener() {}, removeEventListener() {} }, 'x', null, 0, ...lookAlikes]) {
    const options = { signal: signal as unknown as AbortSignal };
    await assert.rejects(pollDeviceAuthorizationGrant(config, device(`dc-sig-${String(signal)}`), undefined, options), argType('signal'));
    await assert.rejects(resumeDeviceAuthorizationGrant(config, state, undefined, options), argType('signal'));
    await assert.rejects(initiateDeviceAuthorization(config, undefined, options), argType('signal'));
    await assert.rejects(refreshTokenGrant(config, 'rt', undefined, options), argType('signal'));
    await assert.rejects(discovery(new URL(ISSUER), 'c', undefined, undefined, { ...options, [customFetch]: fetch }), argType('signal'));
  }
  assert.equal(fetch.calls.length, 0);
});

test('dg:compat:signal-argument a bad signal leaves no timer behind: nothing throws once the request timeout has passed (real time, 10 ms timeout, checked 60 ms later)', async () => {
  const thrown: unknown[] = [];
  const record = (error: unknown): void => {
    thrown.push(error);
  };
  process.on('uncaughtException', record);
  try {
    const { config } = scriptedConfig(() => json(deviceBody()));
    config.timeout = 0.01;
    await assert.rejects(initiateDeviceAuthorization(config, undefined, { signal: {} as AbortSignal }), argType('signal'));
    await assert.rejects(
      discovery(new URL(ISSUER), 'c', undefined, undefined, { timeout: 0.01, signal: {} as AbortSignal, [customFetch]: async () => json({}) }),
      argType('signal'),
    );
    await new Promise((resolve) => setTimeout(resolve, 60));
  } finally {
    process.off('uncaughtException', record);
  }
  assert.deepEqual(thrown, []);
});

test('dg:compat:arg-errors initiateDeviceAuthorization refuses an options.now that is not a function before the request is sent', async () => {
  const { config, fetch } = scriptedConfig(() => json(deviceBody()));
  for (const now of [5, 'now', {}, null]) {
    await assert.rejects(initiateDeviceAuthorization(config, undefined, { now: now as unknown as () => number }), argType('now'));
  }
  assert.equal(fetch.calls.length, 0);
  // A clock that is a function is taken.
  const read = await initiateDeviceAuthorization(config, undefined, { now: () => 1_700_000_000_000 });
  assert.equal(read.user_code, deviceBody()['user_code']);
});

test('dg:dpop:handle-argument initiateDeviceAuthorization refuses an options.DPoP that is not a handle (an object, a partial handle) before the request is sent', async () => {
  const { config, fetch } = scriptedConfig(() => json(deviceBody()));
  const partial = { proof: async () => 'p' };
  for (const DPoP of [{}, partial, 'handle', null]) {
    await assert.rejects(initiateDeviceAuthorization(config, undefined, { DPoP: DPoP as unknown as DPoPHandle }), argType('DPoP'));
    await assert.rejects(pollDeviceAuthorizationGrant(config, device('dc-dpop'), undefined, { DPoP: DPoP as unknown as DPoPHandle }), argType('DPoP'));
  }
  assert.equal(fetch.calls.length, 0);
});

test('dg:security:wrong-types-rejected validateDeviceAuthorizationResponse and validateTokenResponse refuse a body that is not an object with OAUTH_INVALID_RESPONSE, as a non-object JSON body is refused', () => {
  for (const body of [null, undefined, 'text', 42, ['a'], true]) {
    assert.throws(() => validateDeviceAuthorizationResponse(body as never, false), typed('OAUTH_INVALID_RESPONSE'), inspect(body));
    assert.throws(() => validateTokenResponse(body as never), typed('OAUTH_INVALID_RESPONSE'), inspect(body));
  }
  // The same code and message as a poll answer whose JSON is not an object.
  const outcome = classifyTokenResponse({ response: json([1]), text: '[1]', receivedAt: 0 }, []);
  let direct: unknown;
  try {
    validateTokenResponse([1] as never);
  } catch (error) {
    direct = error;
  }
  assert.ok(outcome.kind === 'terminal' && direct instanceof ClientError);
  assert.equal(direct.message, outcome.error.message);
  assert.equal(direct.code, (outcome.error as ClientError).code);
});
