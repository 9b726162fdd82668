// RFC 8628 §3.1: the device authorization request.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Configuration,
  None,
  customFetch,
  initiateDeviceAuthorization,
  pollDeviceAuthorizationGrant,
  type ClientAuth,
  type CustomFetch,
} from '../../lib/index.js';
import { CLIENT_ID, CLIENT_SECRET, ISSUER, deviceBody, formOf, harness, json, scriptedConfig, type AuthKind, clientAuthFor, pollUntilApproved } from '../support/harness.js';
import { argError, clientError, loopback, loopbackFlow, namesOf, requestsTo } from '../support/request-side.js';

const DEVICE_ENDPOINT = `${ISSUER}/device_authorization`;
// CLIENT_ID and CLIENT_SECRET after RFC 6749 Appendix B encoding.
const ENCODED_ID = 'dev%3A+client%2Bid+%2F%25%26%3D';
const ENCODED_SECRET = 'se%3A+cret%2B+%2F%25%26%3D%C2%A3%E2%82%AC';

/** Every name in the form occurs once, except resource (RFC 8707 §2). */
function assertNoRepeats(names: string[]): void {
  const others = names.filter((name) => name !== 'resource');
  assert.equal(new Set(others).size, others.length, `repeated parameter in ${names.join(',')}`);
}

test('rfc8628:3.1:post-form the request is a form-encoded UTF-8 POST body on real HTTP, nothing in the query string', async () => {
  const lb = await loopback('none');
  try {
    const hint = 'jö+&= %/€';
    const device = await initiateDeviceAuthorization(lb.config, { scope: 'openid profile', login_hint: hint });
    assert.equal(typeof device.device_code, 'string');
    const [request, ...more] = requestsTo(lb.server, 'device');
    assert.ok(request);
    assert.equal(more.length, 0);
    assert.equal(request.method, 'POST');
    assert.equal(request.path, '/device_authorization'); // no query component added
    assert.match(request.headers['content-type'] ?? '', /^application\/x-www-form-urlencoded;\s*charset=UTF-8$/i);
    // App. B: UTF-8 octets percent-encoded, space as '+', reserved characters escaped.
    assert.ok(request.body.includes('login_hint=j%C3%B6%2B%26%3D+%25%2F%E2%82%AC'), request.body);
    assert.ok(request.body.includes('scope=openid+profile'), request.body);
    assert.deepEqual(request.form, [
      ['scope', 'openid profile'],
      ['login_hint', hint],
      ['client_id', CLIENT_ID],
    ]);
  } finally {
    await lb.close();
  }

  // The exact init handed to fetch: a POST with a string body, the URL untouched.
  const { config, fetch } = scriptedConfig(() => json(deviceBody()));
  await initiateDeviceAuthorization(config, { scope: 'openid' });
  const [call] = fetch.calls;
  assert.ok(call);
  assert.equal(call.url, DEVICE_ENDPOINT);
  assert.equal(call.init.method, 'POST');
  assert.equal(call.init.headers['content-type'], 'application/x-www-form-urlencoded;charset=UTF-8');
  assert.equal(call.init.body, `scope=openid&client_id=${ENCODED_ID}`);
});

test('rfc8628:3.1:client-id-public a public client sends its client_id (escaped per App. B) and no credentials, on real HTTP', async () => {
  const lb = await loopback('none');
  try {
    const device = await initiateDeviceAuthorization(lb.config);
    assert.ok(device.device_code.length > 0); // the server identified the client by client_id alone
    const [request] = requestsTo(lb.server, 'device');
    assert.ok(request);
    assert.deepEqual(request.form, [['client_id', CLIENT_ID]]);
    assert.equal(request.body, `client_id=${ENCODED_ID}`);
    assert.equal(request.headers['authorization'], undefined);
  } finally {
    await lb.close();
  }
});

test('rfc8628:3.1:client-auth-same-as-token Basic and Post clients authenticate to both endpoints with the same method, on real HTTP', async () => {
  for (const auth of ['basic', 'post'] as const) {
    const lb = await loopback(auth);
    try {
      const { token } = await loopbackFlow(lb);
      assert.equal(typeof token.access_token, 'string'); // the server accepted the credentials at both endpoints
      const device = requestsTo(lb.server, 'device');
      const tokens = requestsTo(lb.server, 'token');
      assert.equal(device.length, 1);
      assert.ok(tokens.length >= 2);
      for (const request of [...device, ...tokens]) {
        const form = new Map(request.form);
        if (auth === 'basic') {
          const header = request.headers['authorization'] ?? '';
          assert.match(header, /^Basic [A-Za-z0-9+/]+=*$/);
          // RFC 6749 §2.3.1: base64(formEncode(id) ":" formEncode(secret)).
          assert.equal(Buffer.from(header.slice(6), 'base64').toString('utf8'), `${ENCODED_ID}:${ENCODED_SECRET}`);
          assert.equal(form.has('client_secret'), false);
          assert.equal(form.has('client_id'), false);
        } else {
          assert.equal(request.headers['authorization'], undefined);
          assert.equal(form.get('client_id'), CLIENT_ID);
          assert.equal(form.get('client_secret'), CLIENT_SECRET);
          assert.ok(request.body.includes(`client_id=${ENCODED_ID}`), request.body);
          assert.ok(request.body.includes(`client_secret=${ENCODED_SECRET}`), request.body);
        }
      }
      // Same method: the Authorization header (Basic) or the body credentials (Post) are identical everywhere.
      const shapes = new Set(
        [...device, ...tokens].map((r) => JSON.stringify([r.headers['authorization'] ?? null, r.form.filter(([n]) => n.startsWith('client_'))])),
      );
      assert.equal(shapes.size, 1);
    } finally {
      await lb.close();
    }
  }
});

test('rfc8628:3.1:client-auth-same-as-token the one configured ClientAuth runs for the device request and every poll', async () => {
  const h = harness({ auth: 'post', autoAdvance: true, interval: 1 });
  const seen: string[] = [];
  const counting: ClientAuth = (as, client, body, headers) => {
    seen.push(body.has('device_code') ? 'token' : 'device');
    return clientAuthFor('post')(as, client, body, headers);
  };
  const config = new Configuration(h.config.serverMetadata(), CLIENT_ID, { client_secret: CLIENT_SECRET }, counting);
  config[customFetch] = h.fetch;
  const device = await initiateDeviceAuthorization(config, undefined, { now: h.clock.now });
  await pollUntilApproved(h, device, { config: config });
  assert.equal(seen[0], 'device');
  assert.deepEqual(seen.slice(1), Array(requestsTo(h.server, 'token').length).fill('token'));
  assert.equal(seen.length, h.server.requests.length);
});

test('rfc8628:3.1:scope-optional rfc6749:10.3:minimal-scope without a scope argument the body has no scope parameter at all', async () => {
  const { config, fetch } = scriptedConfig(() => json(deviceBody()));
  await initiateDeviceAuthorization(config);
  await initiateDeviceAuthorization(config, {});
  await initiateDeviceAuthorization(config, new URLSearchParams());
  await initiateDeviceAuthorization(config, { scope: 'openid offline_access' });
  await initiateDeviceAuthorization(config, new URLSearchParams({ scope: 'b a a' }));
  const forms = fetch.calls.map((call) => formOf(call.init.body));
  for (const form of forms.slice(0, 3)) {
    assert.equal(form.has('scope'), false);
    assert.deepEqual([...form.keys()], ['client_id']);
  }
  assert.deepEqual(forms[3]?.getAll('scope'), ['openid offline_access']);
  assert.deepEqual(forms[4]?.getAll('scope'), ['b a a']); // verbatim: no reordering or de-duplication
});

test('rfc8628:3.1:scope-optional rfc6749:3.3:scope-token-syntax a malformed scope is an argument error before any request', async () => {
  const { config, fetch } = scriptedConfig(() => json(deviceBody()));
  for (const scope of [' openid', 'openid ', 'a  b', 'a"b', 'a\\b', 'é', 'a\tb', 'a\nb', 'a\x7fb']) {
    await assert.rejects(initiateDeviceAuthorization(config, { scope }), argError('ERR_INVALID_ARG_VALUE'), JSON.stringify(scope));
  }
  assert.equal(fetch.calls.length, 0);
  // Every printable ASCII character but '"' and '\' is allowed in a scope token.
  await initiateDeviceAuthorization(config, { scope: "!#$%&'()*+,-./:;<=>?@[]^_`{|}~ openid" });
  assert.equal(formOf(fetch.calls[0]?.init.body).get('scope'), "!#$%&'()*+,-./:;<=>?@[]^_`{|}~ openid");
});

test('rfc8628:3.1:no-repeated-params rfc6749:3.2:no-repeated-params a repeated parameter or one the library sets is refused before any request', async () => {
  const { config, fetch } = scriptedConfig(() => json(deviceBody()));
  const refused: Array<[string, Parameters<typeof initiateDeviceAuthorization>[1]]> = [
    ['scope twice', new URLSearchParams('scope=a&scope=b')],
    ['array of a non-resource name', { audience: ['x', 'y'] }],
    ['client_secret', { client_secret: 'x' }],
    ['client_assertion', { client_assertion: 'x' }],
    ['client_assertion_type', { client_assertion_type: 'x' }],
  ];
  for (const [what, parameters] of refused) {
    await assert.rejects(initiateDeviceAuthorization(config, parameters), argError('ERR_INVALID_ARG_VALUE'), what);
  }
  assert.equal(fetch.calls.length, 0);

  // The token request: grant_type and device_code belong to the library.
  const h = harness({ autoAdvance: true });
  const device = await initiateDeviceAuthorization(h.config, undefined, { now: h.clock.now });
  for (const parameters of [{ grant_type: 'refresh_token' }, { device_code: 'other' }, new URLSearchParams('x=1&x=2'), { client_secret: 's' }]) {
    await assert.rejects(
      pollDeviceAuthorizationGrant(h.config, device, parameters, { now: h.clock.now, sleep: h.clock.sleep }),
      argError('ERR_INVALID_ARG_VALUE'),
    );
  }
  assert.equal(requestsTo(h.server, 'token').length, 0);

  // A caller's client_id is refused, under every method (dg:security:client-id-reserved).
  const before = fetch.calls.length;
  await assert.rejects(initiateDeviceAuthorization(config, { client_id: 'someone-else' }), argError('ERR_INVALID_ARG_VALUE'));
  assert.equal(fetch.calls.length, before);
});

test('rfc8628:3.1:no-repeated-params no request of a full flow repeats a parameter, for public, Basic and Post clients on real HTTP', async () => {
  for (const auth of ['none', 'basic', 'post'] as AuthKind[]) {
    const lb = await loopback(auth);
    try {
      const resources = { resource: ['https://rs.example/a', 'https://rs.example/b'], scope: 'openid' };
      const { token } = await loopbackFlow(lb, resources, resources);
      assert.equal(typeof token.access_token, 'string'); // the server refuses repeats with invalid_request
      assert.ok(lb.server.requests.length >= 3);
      for (const request of lb.server.requests) {
        assertNoRepeats(namesOf(request));
        assert.deepEqual(request.form.filter(([name]) => name === 'resource').map(([, value]) => value), resources.resource);
      }
    } finally {
      await lb.close();
    }
  }
});

test('rfc8628:3.1:empty-params-omitted rfc8707:2:absolute-uri parameters with an empty value are left out of the device and token requests', async () => {
  const { config, fetch } = scriptedConfig(() => json(deviceBody()));
  await initiateDeviceAuthorization(config, { scope: '', resource: '', audience: '' });
  await initiateDeviceAuthorization(config, new URLSearchParams('scope=&x=&resource='));
  await initiateDeviceAuthorization(config, { resource: ['', 'https://rs.example/'] });
  await initiateDeviceAuthorization(config, new URLSearchParams('scope=&scope=openid')); // the empty one is not a repeat
  const bodies = fetch.calls.map((call) => call.init.body);
  assert.equal(bodies[0], `client_id=${ENCODED_ID}`);
  assert.equal(bodies[1], `client_id=${ENCODED_ID}`);
  assert.equal(bodies[2], `resource=https%3A%2F%2Frs.example%2F&client_id=${ENCODED_ID}`);
  assert.equal(bodies[3], `scope=openid&client_id=${ENCODED_ID}`);

  const h = harness({ autoAdvance: true, interval: 1 });
  const device = await initiateDeviceAuthorization(h.config, undefined, { now: h.clock.now });
  let polls = 0;
  await pollDeviceAuthorizationGrant(h.config, device, { resource: '', scope: '', extra: '' }, {
    now: h.clock.now,
    sleep: h.clock.sleep,
    onPoll: () => {
      if (++polls === 2) h.server.approve(device.user_code);
    },
  });
  const tokens = requestsTo(h.server, 'token');
  assert.ok(tokens.length >= 2);
  for (const request of tokens) assert.deepEqual(namesOf(request).sort(), ['client_id', 'device_code', 'grant_type']);
});

test('rfc8628:3.1:tls requests to anything but https are refused before fetch, unless allowInsecureRequests waives http', async () => {
  const fetch = (async () => json(deviceBody())) as CustomFetch;
  const calls: string[] = [];
  const counting: CustomFetch = async (url, init) => {
    calls.push(url);
    return fetch(url, init);
  };
  const configFor = (base: string): Configuration => {
    const config = new Configuration(
      { issuer: base, token_endpoint: `${base}/token`, device_authorization_endpoint: `${base}/device_authorization` },
      CLIENT_ID,
      undefined,
      None(),
    );
    config[customFetch] = counting;
    return config;
  };
  await assert.rejects(initiateDeviceAuthorization(configFor('http://as.example.test')), clientError('OAUTH_HTTP_REQUEST_FORBIDDEN'));
  await assert.rejects(initiateDeviceAuthorization(configFor('http://127.0.0.1:1')), clientError('OAUTH_HTTP_REQUEST_FORBIDDEN'));
  for (const base of ['ftp://as.example.test', 'gopher://as.example.test', 'ws://as.example.test']) {
    await assert.rejects(initiateDeviceAuthorization(configFor(base)), clientError('OAUTH_REQUEST_PROTOCOL_FORBIDDEN'), base);
  }
  // The token request: http refused, and polling ends on it.
  const device = await initiateDeviceAuthorization(configFor('https://as.example.test'));
  const httpToken = new Configuration(
    { issuer: ISSUER, token_endpoint: 'http://as.example.test/token', device_authorization_endpoint: DEVICE_ENDPOINT },
    CLIENT_ID,
    undefined,
    None(),
  );
  httpToken[customFetch] = counting;
  const h = harness({ autoAdvance: true });
  await assert.rejects(
    pollDeviceAuthorizationGrant(httpToken, device, undefined, { now: h.clock.now, sleep: h.clock.sleep }),
    clientError('OAUTH_HTTP_REQUEST_FORBIDDEN'),
  );
  assert.deepEqual(calls, ['https://as.example.test/device_authorization']);

  // With the waiver, plain http works (here, to the loopback server).
  const lb = await loopback('none');
  try {
    const { token } = await loopbackFlow(lb);
    assert.equal(typeof token.access_token, 'string');
    assert.equal(lb.listening.url.protocol, 'http:');
  } finally {
    await lb.close();
  }
});

test('rfc8628:3.1:user-initiated no device authorization is sent on its own: not at set-up, nor after expired_token, access_denied or local expiry', async () => {
  // Set-up alone sends nothing.
  const idle = scriptedConfig(() => json(deviceBody()));
  assert.equal(idle.fetch.calls.length, 0);

  const endings: Array<[string, (h: ReturnType<typeof harness>, userCode: string) => void, (error: unknown) => boolean]> = [
    [
      'expired_token',
      (h) => h.server.injectFaults({ kind: 'json', status: 400, body: { error: 'expired_token' } }),
      (error) => (error as { error?: unknown }).error === 'expired_token',
    ],
    ['access_denied', (h, userCode) => h.server.deny(userCode), (error) => (error as { error?: unknown }).error === 'access_denied'],
    ['local expiry', () => {}, clientError('OAUTH_TIMEOUT')],
  ];
  for (const [what, arrange, expected] of endings) {
    const h = harness({ autoAdvance: true, interval: 1, expiresIn: 30 });
    const device = await initiateDeviceAuthorization(h.config, undefined, { now: h.clock.now });
    arrange(h, device.user_code);
    await assert.rejects(pollDeviceAuthorizationGrant(h.config, device, undefined, { now: h.clock.now, sleep: h.clock.sleep }), expected, what);
    await h.clock.sleep(3_600_000); // an hour later, still nothing new
    assert.equal(requestsTo(h.server, 'device').length, 1, what);
  }
});

test('rfc8628:3.1:post-form dg:compat:arg-errors parameters that cannot be form-encoded as strings are argument errors before any request', async () => {
  const { config, fetch } = scriptedConfig(() => json(deviceBody()));
  const wrong: unknown[] = ['scope=openid', 42, null, { scope: 5 }, { scope: null }, { resource: [1] }, { resource: ['https://a.example/', undefined] }, { resource: ['https://a.example/', , 'https://b.example/'] }];
  for (const parameters of wrong) {
    await assert.rejects(
      initiateDeviceAuthorization(config, parameters as Parameters<typeof initiateDeviceAuthorization>[1]),
      argError('ERR_INVALID_ARG_TYPE'),
      JSON.stringify(parameters),
    );
  }
  assert.equal(fetch.calls.length, 0);
});

test('rfc8628:3.1:client-auth-same-as-token dg:security:echoed-secret-redaction credentials of any scheme a ClientAuth sets are redacted when the endpoint echoes them', async () => {
  const schemes: Array<[string, string]> = [
    ['not base64', 'Custom s3cr3t!value'], // atob fails: the raw credentials are still secrets
    ['Basic without a password', `Basic ${btoa('id-only:')}`], // an empty secret is skipped, never "redacts" everything
    ['Basic with a bad escape', `Basic ${btoa('id:%zz-pass')}`],
  ];
  for (const [what, header] of schemes) {
    const credentials = header.slice(header.indexOf(' ') + 1);
    const { config } = scriptedConfig(
      (_url, init) =>
        json({ error: 'invalid_client', error_description: `got ${init.headers['authorization']} / ${credentials} / ${atobOrEmpty(credentials)}` }, 400),
    );
    const custom: ClientAuth = (_as, client, body, headers) => {
      body.set('client_id', client.client_id);
      headers.set('authorization', header);
    };
    const withAuth = new Configuration(config.serverMetadata(), CLIENT_ID, undefined, custom);
    withAuth[customFetch] = config[customFetch];
    await assert.rejects(initiateDeviceAuthorization(withAuth), (error: unknown) => {
      const text = `${String(error)} ${JSON.stringify(error)} ${(error as { error_description?: string }).error_description}`;
      assert.equal(text.includes(credentials), false, `${what}: ${text}`);
      const password = atobOrEmpty(credentials);
      if (password !== '') assert.equal(text.includes(password), false, `${what}: ${text}`);
      assert.ok(text.includes('got [REDACTED]'), `${what}: ${text}`);
      return true;
    });
  }
});

function atobOrEmpty(value: string): string {
  try {
    return atob(value).slice(atob(value).indexOf(':') + 1);
  } catch {
    return '';
  }
}
