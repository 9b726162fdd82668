// dg:security:secret-redaction and dg:security:echoed-secret-redaction: client secrets, assertions,
// the device_code and tokens never reach an error a caller could see, even when the server echoes them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Configuration,
  ResponseBodyError,
  WWWAuthenticateChallengeError,
  customFetch,
  initiateDeviceAuthorization,
  type ClientAuth,
} from '../../lib/index.js';
import { CLIENT_ID, CLIENT_SECRET, json, scriptedFetch, METADATA, configFor } from '../support/harness.js';
import { assertCode, basicSpellings, leaks, rejection, spellings, device, pollError } from '../support/security-side.js';

const CLIENT_SECRETS = [...basicSpellings(CLIENT_ID, CLIENT_SECRET)];

test('dg:security:secret-redaction rfc8628:5.2:device-code-secret failures of every kind keep the client secret and the device_code out of the error', async () => {
  const failures: Array<[string, () => Response | Promise<Response>]> = [
    ['network', () => Promise.reject(new TypeError('fetch failed'))],
    ['non-JSON 500', () => new Response('oops', { status: 500 })],
    ['404 text', () => new Response('missing', { status: 404 })],
    ['redirect', () => new Response(null, { status: 302, headers: { location: '/elsewhere' } })],
    ['invalid_client', () => json({ error: 'invalid_client' }, 401)],
    ['access_denied', () => json({ error: 'access_denied' }, 400)],
    ['not JSON', () => new Response('<html>', { headers: { 'content-type': 'text/html' } })],
    ['wrong types', () => json({ access_token: 1 })],
  ];
  for (const auth of ['basic', 'post'] as const) {
    for (const [what, respond] of failures) {
      const fetch = scriptedFetch(respond);
      const config = configFor(fetch, METADATA, auth);
      const deviceError = await rejection(initiateDeviceAuthorization(config));
      assert.deepEqual(leaks(deviceError, CLIENT_SECRETS), [], `${auth} device ${what}`);
      const code = device({ expires_in: 4 });
      const pollFailure = await pollError(config, code);
      assert.deepEqual(leaks(pollFailure, [...CLIENT_SECRETS, ...spellings(code.device_code)]), [], `${auth} poll ${what}`);
      // The secrets did go out, so the check above is meaningful.
      const last = fetch.calls[fetch.calls.length - 1];
      assert.ok(
        auth === 'basic' ? last?.init.headers['authorization']?.startsWith('Basic ') : last?.init.body?.includes('client_secret='),
        `${auth}: credentials were sent`,
      );
      assert.ok(last?.init.body?.includes('device_code='));
    }
  }
});

test('rfc6749:10.4:refresh-token-confidential dg:security:secret-redaction access, refresh and ID tokens never appear in an error about the token response', async () => {
  const tokens = { access_token: 'AT-0123456789-secret-access', refresh_token: 'RT-0123456789-secret-refresh' };
  const idPayload = Buffer.from(JSON.stringify({ iss: 'https://other.example.test', sub: 'u', aud: CLIENT_ID, exp: 4e9, iat: 1 })).toString('base64url');
  const idToken = `eyJhbGciOiJub25lIn0.${idPayload}.sig-secret-id-token`;
  // Short enough that V8 would quote all of it in a SyntaxError message.
  const brokenId = `eyJhbGciOiJub25lIn0.${Buffer.from('IDSECRET}').toString('base64url')}.sig`;
  const bodies: unknown[] = [
    { ...tokens, token_type: 'mac' }, // unsupported token type
    { ...tokens, token_type: 'Bearer', expires_in: 'later' }, // wrong type
    { ...tokens, token_type: 'Bearer', id_token: idToken }, // iss mismatch
    { ...tokens, token_type: 'Bearer', id_token: brokenId }, // payload not JSON
    { ...tokens }, // no token_type
    { ...tokens, token_type: 'Bearer', error: 7 },
    { ...tokens, error: 'access_denied', error_description: `here is ${tokens.access_token}` }, // an error body that carries tokens
  ];
  const secrets = [...Object.values(tokens), idToken, idPayload, brokenId, 'IDSECRET', 'sig-secret-id-token'];
  for (const body of bodies) {
    for (const status of [200, 400]) {
      const error = await pollError(configFor(async () => json(body, status)), device());
      assert.ok(error instanceof Error);
      assert.deepEqual(leaks(error, secrets), [], `${status} ${JSON.stringify(body)}`);
    }
  }
});

test('dg:security:secret-redaction dg:security:echoed-secret-redaction a client assertion and a custom Authorization credential from a custom ClientAuth are redacted when echoed', async () => {
  const assertion = 'eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJjbGllbnQifQ.assertion-signature-secret';
  const credential = 'opaque!credential=secret';
  const customAuth: ClientAuth = (_as, client, body, headers) => {
    body.set('client_id', client.client_id);
    body.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    body.set('client_assertion', assertion);
    body.set('refresh_token', ''); // an empty secret is nothing to redact
    headers.set('authorization', `Custom ${credential}`); // not Basic: nothing to base64-decode
  };
  const config = new Configuration(METADATA, CLIENT_ID, undefined, customAuth);
  config[customFetch] = scriptedFetch((_url, init) =>
    json({ error: 'invalid_client', error_description: `bad assertion ${assertion} with ${init.headers['authorization']}`, body: init.body }, 400),
  );
  const error = await rejection(initiateDeviceAuthorization(config));
  assert.ok(error instanceof ResponseBodyError);
  assert.deepEqual(leaks(error, [assertion, ...spellings(assertion), credential, `Custom ${credential}`]), []);
  assert.equal(error.error_description, 'bad assertion [REDACTED] with [REDACTED]');
  const pollFailure = await pollError(config, device({ device_code: 'dc-custom-auth-secret' }));
  assert.deepEqual(leaks(pollFailure, [assertion, ...spellings(assertion), credential, ...spellings('dc-custom-auth-secret')]), []);

  // Basic credentials built by hand, whose password is not form-encoded ("%" alone): still redacted.
  const password = '100%-hand-made-secret';
  const handMade: ClientAuth = (_as, _client, _body, headers) => {
    headers.set('authorization', `Basic ${btoa(`client:${password}`)}`);
  };
  const basicConfig = new Configuration(METADATA, CLIENT_ID, undefined, handMade);
  basicConfig[customFetch] = scriptedFetch(() => json({ error: 'invalid_client', error_description: `wrong password ${password}` }, 400));
  const basicError = await rejection(initiateDeviceAuthorization(basicConfig));
  assert.ok(basicError instanceof ResponseBodyError);
  assert.equal(basicError.error_description, 'wrong password [REDACTED]');
  assert.deepEqual(leaks(basicError, [password, btoa(`client:${password}`)]), []);
});

test('dg:security:echoed-secret-redaction a client secret echoed raw and form-encoded in error_description, error_uri and other members is redacted (Post)', async () => {
  const encoded = `client_id=${encodeURIComponent('x')}&client_secret=${spellings(CLIENT_SECRET)[1]}`;
  const body = {
    error: 'invalid_client',
    error_description: `client_secret "${CLIENT_SECRET}" (sent as ${spellings(CLIENT_SECRET)[1]}) is wrong`,
    error_uri: `https://as.example.test/errors?secret=${spellings(CLIENT_SECRET)[2]}`,
    echo: { body: encoded, list: [CLIENT_SECRET, { deeper: CLIENT_SECRET }] },
  };
  const fetch = scriptedFetch((_url, init) => json({ ...body, request: init.body }, 400));
  const error = await rejection(initiateDeviceAuthorization(configFor(fetch, METADATA, 'post')));
  assert.ok(error instanceof ResponseBodyError);
  assert.deepEqual(leaks(error, CLIENT_SECRETS), []);
  assert.equal(error.error_description, 'client_secret "[REDACTED]" (sent as [REDACTED]) is wrong');
  assert.equal(error.error_uri, 'https://as.example.test/errors?secret=[REDACTED]');
  assert.deepEqual((error.cause['echo'] as { list: unknown[] }).list, ['[REDACTED]', { deeper: '[REDACTED]' }]);
  assert.ok(String(error.cause['request']).includes('client_secret=[REDACTED]'));
});

test('dg:security:echoed-secret-redaction Basic credentials echoed as the header, the base64, the decoded pair or the secret are redacted, in a body and in WWW-Authenticate', async () => {
  const [base64, header, decoded, raw, encoded] = basicSpellings(CLIENT_ID, CLIENT_SECRET) as [string, string, string, string, string];
  const echo = (_url: string, init: { headers: Record<string, string> }): Response =>
    json(
      {
        error: 'invalid_client',
        error_description: `got ${init.headers['authorization']} = ${decoded} -> secret ${raw} / ${encoded}`,
        authorization: init.headers['authorization'],
        credentials: base64,
      },
      401,
      { 'www-authenticate': `Basic realm="as", error="invalid_client", error_description="bad ${base64} ${encoded}"` },
    );
  const error = await rejection(initiateDeviceAuthorization(configFor(scriptedFetch(echo), METADATA, 'basic')));
  assert.ok(error instanceof WWWAuthenticateChallengeError);
  assert.deepEqual(leaks(error, [header, base64, decoded, raw, encoded]), []);
  assert.ok(error.error_description?.includes('[REDACTED]'));
  assert.ok(error.cause[0]?.parameters['error_description']?.includes('[REDACTED]'));

  // The same echo without a challenge: a ResponseBodyError.
  const plain = (url: string, init: { headers: Record<string, string> }): Response => {
    const response = echo(url, init);
    return new Response(response.body, { status: 400, headers: { 'content-type': 'application/json' } });
  };
  const bodyError = await rejection(initiateDeviceAuthorization(configFor(scriptedFetch(plain), METADATA, 'basic')));
  assert.ok(bodyError instanceof ResponseBodyError);
  assert.deepEqual(leaks(bodyError, [header, base64, decoded, raw, encoded]), []);
  assert.equal(bodyError.cause['authorization'], '[REDACTED]');
});

test('dg:security:echoed-secret-redaction rfc8628:5.2:device-code-secret a device_code echoed by the token endpoint is redacted in terminal, 200-error and transient errors', async () => {
  const echoBody = (body: string | undefined): Record<string, unknown> => {
    const form = new URLSearchParams(body ?? '');
    const code = form.get('device_code') ?? '';
    return {
      error_description: `device_code ${code} (${spellings(code)[1]}) rejected`,
      device_code: code,
      request: body,
    };
  };
  const scenarios: Array<[string, (url: string, init: { body: string | undefined }) => Response]> = [
    ['400 invalid_grant', (_u, init) => json({ error: 'invalid_grant', ...echoBody(init.body) }, 400)],
    ['200 with error', (_u, init) => json({ error: 'expired_token', ...echoBody(init.body) }, 200)],
    ['503 transient until expiry', (_u, init) => json({ error: 'temporarily_unavailable', ...echoBody(init.body) }, 503)],
    ['500 unparsable JSON until expiry', (_u, init) => new Response(`not json ${init.body}`, { status: 500, headers: { 'content-type': 'application/json' } })],
    // The device_code alone is short enough that V8 would quote all of it in a SyntaxError message.
    ['200 unparsable JSON until expiry', (_u, init) => new Response(new URLSearchParams(init.body ?? '').get('device_code'), { headers: { 'content-type': 'application/json' } })],
    ['401 challenge', (_u, init) => json({ error: 'invalid_client', ...echoBody(init.body) }, 401, { 'www-authenticate': `Bearer error="invalid_client", error_description="${spellings(new URLSearchParams(init.body ?? '').get('device_code') ?? '')[1]}"` })],
  ];
  for (const auth of ['none', 'post'] as const) {
    for (const [what, respond] of scenarios) {
      const fetch = scriptedFetch(respond as Parameters<typeof scriptedFetch>[0]);
      const code = device({ expires_in: 5 });
      const error = await pollError(configFor(fetch, METADATA, auth), code);
      assert.ok(error instanceof Error, what);
      assert.deepEqual(leaks(error, [...spellings(code.device_code), ...(auth === 'post' ? CLIENT_SECRETS : [])]), [], `${auth} ${what}`);
      assert.ok(fetch.calls.length >= 1);
    }
  }
});

test('dg:security:echoed-secret-redaction a client secret echoed in a body that does not parse is not carried by the parse error', async () => {
  // A body short enough that V8 would quote all of it in a SyntaxError message.
  const fetch = scriptedFetch(() => new Response(CLIENT_SECRET, { headers: { 'content-type': 'application/json' } }));
  const error = await rejection(initiateDeviceAuthorization(configFor(fetch, METADATA, 'post')));
  assertCode(error, 'OAUTH_PARSE_ERROR');
  assert.deepEqual(leaks(error, CLIENT_SECRETS), []);
});
