// RFC 6749 §2.3 and §2.3.1: client authentication (one method per request, Basic with
// form-encoded credentials, body credentials), and openid-client's ClientAuth factories.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ClientSecretBasic,
  ClientSecretPost,
  Configuration,
  None,
  customFetch,
  discovery,
  initiateDeviceAuthorization,
  pollDeviceAuthorizationGrant,
  type ClientAuth,
  type DeviceAuthorizationResponse,
  type ServerMetadata,
} from '../../lib/index.js';
import { createFakeClock } from '../support/fake-clock.js';
import { CLIENT_ID, CLIENT_SECRET, ISSUER, deviceBody, formOf, json, scriptedConfig, scriptedFetch, type AuthKind } from '../support/harness.js';
import { insecure, loopbackServer, tokenBody } from '../support/discovery-side.js';

/** App. B encodings of the harness credentials, written out by hand. */
const ENCODED_ID = 'dev%3A+client%2Bid+%2F%25%26%3D';
const ENCODED_SECRET = 'se%3A+cret%2B+%2F%25%26%3D%C2%A3%E2%82%AC';

const METADATA: ServerMetadata = {
  issuer: ISSUER,
  token_endpoint: `${ISSUER}/token`,
  device_authorization_endpoint: `${ISSUER}/device_authorization`,
};

/** Device authorization, then two pending polls and a token, against a scripted server. */
async function scriptedFlow(config: Configuration, fetch: ReturnType<typeof scriptedFetch>) {
  const clock = createFakeClock({ autoAdvance: true });
  const device = await initiateDeviceAuthorization(config, undefined, { now: clock.now });
  const token = await pollDeviceAuthorizationGrant(config, device, undefined, { now: clock.now, sleep: clock.sleep });
  return { token, calls: fetch.calls };
}

function flowFetch(): ReturnType<typeof scriptedFetch> {
  return scriptedFetch((url, _init, index) => {
    if (new URL(url).pathname === '/device_authorization') return json(deviceBody());
    return index < 3 ? json({ error: 'authorization_pending' }, 400) : json(tokenBody());
  });
}

function configFor(auth: AuthKind): { config: Configuration; fetch: ReturnType<typeof scriptedFetch> } {
  const fetch = flowFetch();
  const { config } = scriptedConfig(() => json({}), auth);
  config[customFetch] = fetch;
  return { config, fetch };
}

/** Form-decodes one App. B value the way a server does. */
function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

function basicCredentials(header: string | undefined): string {
  assert.ok(header !== undefined, 'an Authorization header is sent');
  const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header);
  assert.ok(match, `Basic scheme with base64 credentials: ${header}`);
  return Buffer.from(match[1]!, 'base64').toString('latin1');
}

test('rfc6749:2.3.1:basic-scheme rfc6749:2.3.1:basic-form-encode Basic form-encodes id and secret before base64, on both endpoints', async () => {
  const { config, fetch } = configFor('basic');
  const { calls } = await scriptedFlow(config, fetch);
  assert.equal(calls.length, 4);
  for (const { init } of calls) {
    const decoded = basicCredentials(init.headers['authorization']);
    assert.equal(decoded, `${ENCODED_ID}:${ENCODED_SECRET}`);
    // Raw base64 of "id:secret" would be the common bug, and cannot be decoded back.
    assert.notEqual(init.headers['authorization'], 'Basic ' + Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64'));
    // The id contains ':' yet the first ':' of the decoded value still separates id from secret.
    const colon = decoded.indexOf(':');
    assert.equal(formDecode(decoded.slice(0, colon)), CLIENT_ID);
    assert.equal(formDecode(decoded.slice(colon + 1)), CLIENT_SECRET);
  }
});

test('rfc6749:2.3.1:basic-scheme ClientSecretBasic(secret) uses the secret it is given, form-encoded', async () => {
  const fetch = flowFetch();
  const config = new Configuration(METADATA, 'plain', { client_secret: 'ignored' }, ClientSecretBasic('ü:&'));
  config[customFetch] = fetch;
  await initiateDeviceAuthorization(config);
  assert.equal(basicCredentials(fetch.calls[0]!.init.headers['authorization']), 'plain:%C3%BC%3A%26');
});

test('rfc6749:2.3.1:post-client-id-secret ClientSecretPost sends client_id and client_secret in the body of every request', async () => {
  const { config, fetch } = configFor('post');
  const { calls } = await scriptedFlow(config, fetch);
  assert.equal(calls.length, 4);
  for (const { init } of calls) {
    const form = formOf(init.body);
    assert.deepEqual(form.getAll('client_id'), [CLIENT_ID]);
    assert.deepEqual(form.getAll('client_secret'), [CLIENT_SECRET]);
    assert.ok(init.body?.includes(`client_id=${ENCODED_ID}`), init.body);
    assert.ok(init.body?.includes(`client_secret=${ENCODED_SECRET}`), init.body);
    assert.equal(init.headers['authorization'], undefined);
  }
});

test('rfc6749:2.3:single-auth-method None, Post and Basic each use exactly one method on both endpoints', async () => {
  for (const auth of ['none', 'basic', 'post'] as const) {
    const { config, fetch } = configFor(auth);
    const { calls } = await scriptedFlow(config, fetch);
    assert.ok(calls.some((c) => c.url.endsWith('/device_authorization')) && calls.some((c) => c.url.endsWith('/token')));
    for (const { init } of calls) {
      const form = formOf(init.body);
      const methods = {
        basic: init.headers['authorization'] !== undefined,
        post: form.has('client_secret'),
        assertion: form.has('client_assertion') || form.has('client_assertion_type'),
      };
      assert.deepEqual(methods, { basic: auth === 'basic', post: auth === 'post', assertion: false }, `${auth}: ${init.body}`);
      assert.ok(form.getAll('client_id').length <= 1);
    }
  }
});

test('rfc6749:2.3:single-auth-method caller client_secret / client_assertion parameters are refused before any request', async () => {
  for (const name of ['client_secret', 'client_assertion', 'client_assertion_type']) {
    for (const parameters of [{ [name]: 'x' }, new URLSearchParams([[name, 'x']])]) {
      const { config, fetch } = configFor('basic');
      await assert.rejects(initiateDeviceAuthorization(config, parameters), (error: unknown) => {
        return error instanceof TypeError && (error as TypeError & { code?: string }).code === 'ERR_INVALID_ARG_VALUE';
      });
      const clock = createFakeClock({ autoAdvance: true });
      await assert.rejects(
        pollDeviceAuthorizationGrant(config, deviceBody() as unknown as DeviceAuthorizationResponse, parameters, { now: clock.now, sleep: clock.sleep }),
        (error: unknown) => error instanceof TypeError && (error as TypeError & { code?: string }).code === 'ERR_INVALID_ARG_VALUE',
      );
      assert.equal(fetch.calls.length, 0, name);
    }
  }
});

test('rfc6749:2.3.1:no-credentials-in-uri no credential is ever added to a request URL, for every method', async () => {
  for (const auth of ['none', 'basic', 'post'] as const) {
    const { config } = scriptedConfig(() => json({}), auth);
    // Endpoints that already have a query: it must stay exactly as it was.
    const withQuery = new Configuration(
      { issuer: ISSUER, token_endpoint: `${ISSUER}/token?tenant=t1`, device_authorization_endpoint: `${ISSUER}/device_authorization?tenant=t1` },
      CLIENT_ID,
      auth === 'none' ? undefined : { client_secret: CLIENT_SECRET },
      auth === 'basic' ? ClientSecretBasic() : undefined,
    );
    const urls: string[] = [];
    for (const c of [config, withQuery]) {
      const fetch = flowFetch();
      c[customFetch] = fetch;
      await scriptedFlow(c, fetch);
      urls.push(...fetch.calls.map((call) => call.url));
    }
    assert.equal(urls.length, 8);
    assert.ok(urls.slice(4).every((url) => url.endsWith('?tenant=t1')));
    for (const url of urls) {
      const parsed = new URL(url);
      assert.ok(parsed.search === '' || parsed.search === '?tenant=t1', url);
      assert.ok(!url.includes('client') && !url.includes(ENCODED_SECRET) && !url.includes('secret'), url);
    }
  }
});

test('dg:compat:default-client-auth rfc6749:2.3.1:body-credentials-not-recommended without clientAuth: ClientSecretPost when there is a secret, None otherwise', async () => {
  const cases: Array<[Partial<Record<'client_secret', string>> | string | undefined, 'post' | 'none']> = [
    [{ client_secret: CLIENT_SECRET }, 'post'],
    [CLIENT_SECRET, 'post'],
    [undefined, 'none'],
    [{}, 'none'],
  ];
  for (const [metadata, expected] of cases) {
    const fetch = flowFetch();
    const config = new Configuration(METADATA, CLIENT_ID, metadata);
    config[customFetch] = fetch;
    await initiateDeviceAuthorization(config);
    const { init } = fetch.calls[0]!;
    const form = formOf(init.body);
    assert.equal(init.headers['authorization'], undefined);
    assert.deepEqual(form.getAll('client_id'), [CLIENT_ID]);
    assert.deepEqual(form.getAll('client_secret'), expected === 'post' ? [CLIENT_SECRET] : []);
  }
});

test('dg:compat:client-auth-factories None, ClientSecretPost and ClientSecretBasic return (as, client, body, headers) functions', async () => {
  const client = { client_id: CLIENT_ID, client_secret: CLIENT_SECRET };
  const run = async (auth: ClientAuth, c: typeof client | { client_id: string; client_secret?: string } = client) => {
    const body = new URLSearchParams([['scope', 'a']]);
    const headers = new Headers();
    assert.equal(typeof auth, 'function');
    await auth(METADATA, c, body, headers);
    return { body: [...body], authorization: headers.get('authorization') };
  };
  assert.deepEqual(await run(None()), { body: [['scope', 'a'], ['client_id', CLIENT_ID]], authorization: null });
  assert.deepEqual(await run(ClientSecretPost()), {
    body: [['scope', 'a'], ['client_id', CLIENT_ID], ['client_secret', CLIENT_SECRET]],
    authorization: null,
  });
  assert.deepEqual(await run(ClientSecretPost('other')), {
    body: [['scope', 'a'], ['client_id', CLIENT_ID], ['client_secret', 'other']],
    authorization: null,
  });
  const basic = await run(ClientSecretBasic());
  assert.deepEqual(basic.body, [['scope', 'a']]);
  assert.equal(basicCredentials(basic.authorization ?? undefined), `${ENCODED_ID}:${ENCODED_SECRET}`);
  assert.equal(basicCredentials((await run(ClientSecretBasic('s'))).authorization ?? undefined), `${ENCODED_ID}:s`);
});

test('dg:compat:client-auth-factories rfc6749:2.3.1:empty-secret-omit a missing or empty secret is a TypeError, and nothing is sent', async () => {
  const codeOf = (error: unknown) => (error instanceof TypeError ? (error as TypeError & { code?: string }).code : undefined);
  const noSecret = { client_id: CLIENT_ID };
  for (const factory of [ClientSecretPost, ClientSecretBasic]) {
    assert.throws(() => factory()(METADATA, noSecret, new URLSearchParams(), new Headers()), (e: unknown) => codeOf(e) === 'ERR_INVALID_ARG_TYPE');
    assert.throws(() => factory('')(METADATA, noSecret, new URLSearchParams(), new Headers()), (e: unknown) => codeOf(e) === 'ERR_INVALID_ARG_VALUE');
    assert.throws(
      () => factory()(METADATA, { client_id: CLIENT_ID, client_secret: '' }, new URLSearchParams(), new Headers()),
      (e: unknown) => codeOf(e) === 'ERR_INVALID_ARG_VALUE',
    );
    // Through a request: the failure comes before fetch is called.
    const fetch = flowFetch();
    const config = new Configuration(METADATA, CLIENT_ID, undefined, factory());
    config[customFetch] = fetch;
    await assert.rejects(initiateDeviceAuthorization(config), (e: unknown) => codeOf(e) === 'ERR_INVALID_ARG_TYPE');
    assert.equal(fetch.calls.length, 0);
  }
  // clientAuth must be a function.
  assert.throws(() => new Configuration(METADATA, CLIENT_ID, undefined, 'basic' as unknown as ClientAuth), (e: unknown) => codeOf(e) === 'ERR_INVALID_ARG_TYPE');
});

test('dg:compat:client-auth-every-request rfc6749:3.2.1:confidential-auth a ClientAuth is awaited afresh for every request, each poll included', async () => {
  let calls = 0;
  const assertionAuth: ClientAuth = async (_as, client, body) => {
    const n = ++calls;
    await new Promise((resolve) => setImmediate(resolve)); // only an awaited ClientAuth gets its value in
    body.set('client_id', client.client_id);
    body.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    body.set('client_assertion', `assertion-${n}`);
  };
  const fetch = flowFetch();
  const config = new Configuration(METADATA, CLIENT_ID, undefined, assertionAuth);
  config[customFetch] = fetch;
  const { token } = await scriptedFlow(config, fetch);
  assert.equal(token.access_token, 'at-1');
  assert.equal(fetch.calls.length, 4);
  assert.equal(calls, 4);
  assert.deepEqual(
    fetch.calls.map(({ init }) => formOf(init.body).get('client_assertion')),
    ['assertion-1', 'assertion-2', 'assertion-3', 'assertion-4'],
  );
});

test('rfc6749:2.3.1:basic-form-encode rfc6749:2.3.1:post-client-id-secret rfc6749:2.3:single-auth-method dg:compat:default-client-auth discovery, device authorization and polling over loopback HTTP for public, Basic and Post clients', async () => {
  // Real sockets, real timers: the interval is 0.2 s; only lower bounds are checked, with 100 ms slack.
  const TOLERANCE_MS = 100;
  for (const auth of ['none', 'basic', 'post'] as const) {
    const loop = await loopbackServer(auth, { interval: 0.2 });
    try {
      const metadata = auth === 'none' ? undefined : auth === 'post' ? CLIENT_SECRET : { client_secret: CLIENT_SECRET };
      const config = await discovery(loop.issuer, CLIENT_ID, metadata, auth === 'basic' ? ClientSecretBasic() : undefined, insecure);
      assert.equal(config.serverMetadata().issuer, loop.issuer.origin);
      const device = await initiateDeviceAuthorization(config, { scope: 'profile' });
      assert.ok(loop.server.approve(device.user_code));
      const started = Date.now();
      const token = await pollDeviceAuthorizationGrant(config, device);
      assert.ok(Date.now() - started >= 200 - TOLERANCE_MS, 'the first poll waits one interval');
      assert.equal(token.token_type, 'bearer');
      assert.equal(token.scope, 'profile');

      const [disco, deviceRequest, ...tokenRequests] = loop.server.requests;
      assert.equal(disco?.endpoint, 'discovery');
      assert.equal(disco?.method, 'GET');
      assert.equal(deviceRequest?.endpoint, 'device');
      assert.ok(tokenRequests.length >= 1 && tokenRequests.every((r) => r.endpoint === 'token'));
      for (const request of [deviceRequest!, ...tokenRequests]) {
        const form = new Map(request.form);
        assert.equal(request.method, 'POST');
        if (auth === 'basic') {
          assert.equal(basicCredentials(request.headers['authorization']), `${ENCODED_ID}:${ENCODED_SECRET}`);
          assert.equal(form.has('client_id') || form.has('client_secret'), false);
        } else {
          assert.equal(request.headers['authorization'], undefined);
          assert.equal(form.get('client_id'), CLIENT_ID);
          assert.equal(form.get('client_secret'), auth === 'post' ? CLIENT_SECRET : undefined);
        }
      }
    } finally {
      await loop.close();
    }
  }
});
