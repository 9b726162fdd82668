// RFC 8628 §5: security considerations on the client's side.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import {
  ClientError,
  Configuration,
  allowInsecureRequests,
  formEncode,
  initiateDeviceAuthorization,
  pollDeviceAuthorizationGrant,
  type DeviceAuthorizationResponse,
} from '../../lib/index.js';
import type { Fault } from '../server/types.js';
import { CLIENT_ID, DEVICE_CODE_PREFIX, harness } from '../support/harness.js';
import { loopback, loopbackFlow } from '../support/request-side.js';

/** Every way an error can be turned into text; none may show the secret in any spelling. */
function assertHidden(error: unknown, secret: string, what: string): void {
  assert.ok(error instanceof Error, what);
  const spellings = [secret, formEncode(secret), encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)];
  const renderings = [
    error.message,
    String(error),
    JSON.stringify(error),
    JSON.stringify((error as { cause?: unknown }).cause ?? null),
    String((error as { error_description?: unknown }).error_description),
    String((error as { error_uri?: unknown }).error_uri),
    inspect(error, { depth: 10 }),
  ];
  for (const text of renderings) {
    for (const spelling of spellings) assert.equal(text.includes(spelling), false, `${what}: ${text}`);
  }
}

async function pollFailure(fault: Fault): Promise<{ error: unknown; device: DeviceAuthorizationResponse }> {
  const h = harness({ autoAdvance: true, interval: 1 });
  const device = await initiateDeviceAuthorization(h.config, undefined, { now: h.clock.now });
  h.server.injectFaults(fault);
  const error = await pollDeviceAuthorizationGrant(h.config, device, undefined, { now: h.clock.now, sleep: h.clock.sleep }).then(
    () => assert.fail('the poll should fail'),
    (e: unknown) => e,
  );
  return { error, device };
}

test('rfc8628:5.2:device-code-secret dg:security:echoed-secret-redaction a device_code the server echoes is redacted from every rendering of the error', async () => {
  const echo = (code: string): string =>
    `bad device_code ${code} (form: ${formEncode(code)}, url: ${encodeURIComponent(code)}, json: ${JSON.stringify(code)})`;
  const cases: Array<[string, (code: string) => Fault]> = [
    [
      '400 error body',
      (code) => ({
        kind: 'json',
        status: 400,
        body: { error: 'invalid_grant', error_description: echo(code), error_uri: `https://as.example.test/e?c=${encodeURIComponent(code)}`, echo: { code, list: [code] } },
      }),
    ],
    [
      '401 challenge',
      (code) => ({
        kind: 'raw',
        status: 401,
        headers: { 'content-type': 'application/json', 'www-authenticate': `Basic realm="x", error="invalid_client", error_description="${formEncode(code)}"` },
        body: JSON.stringify({ device_code: code }),
      }),
    ],
    [
      '200 with an error member',
      (code) => ({ kind: 'json', status: 200, body: { error: 'expired_token', error_description: echo(code) } }),
    ],
    ['403 non-OAuth body', (code) => ({ kind: 'raw', status: 403, headers: { 'content-type': 'text/plain' }, body: `forbidden: ${code}` })],
  ];
  for (const [what, fault] of cases) {
    // The device_code is only known once issued, so the fault is built from the code the harness will hand out.
    const { error, device } = await pollFailure(fault(`${DEVICE_CODE_PREFIX}1`));
    assert.equal(device.device_code, `${DEVICE_CODE_PREFIX}1`);
    assertHidden(error, device.device_code, what);
  }
});

test('rfc8628:5.2:device-code-secret errors the client raises itself never carry the device_code', async () => {
  // A success body that fails validation: the message is fixed text, the device_code is not quoted.
  const h = harness({ autoAdvance: true, interval: 1 });
  const device = await initiateDeviceAuthorization(h.config, undefined, { now: h.clock.now });
  for (const fault of [
    { kind: 'json', status: 200, body: { access_token: 7, token_type: 'bearer', device_code: device.device_code } },
    { kind: 'json', status: 200, body: { access_token: 'a', token_type: device.device_code } },
  ] as Fault[]) {
    h.server.injectFaults(fault);
    const error = await pollDeviceAuthorizationGrant(h.config, device, undefined, { now: h.clock.now, sleep: h.clock.sleep }).then(
      () => assert.fail('the poll should fail'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ClientError);
    assertHidden(error, device.device_code, JSON.stringify(fault));
  }
  // Local expiry.
  const expiring = harness({ autoAdvance: true, interval: 1, expiresIn: 3 });
  const short = await initiateDeviceAuthorization(expiring.config, undefined, { now: expiring.clock.now });
  const expired = await pollDeviceAuthorizationGrant(expiring.config, short, undefined, { now: expiring.clock.now, sleep: expiring.clock.sleep }).then(
    () => assert.fail('the poll should expire'),
    (e: unknown) => e,
  );
  assert.ok(expired instanceof ClientError && expired.code === 'OAUTH_TIMEOUT');
  assertHidden(expired, short.device_code, 'local expiry');
});

test('rfc8628:5.6:public-client a client_id alone runs the whole flow: no secret means the None method, on real HTTP', async () => {
  const lb = await loopback('none');
  try {
    for (const metadata of [undefined, {}, { client_name: 'TV app' }]) {
      lb.server.reset();
      const config = new Configuration(lb.config.serverMetadata(), CLIENT_ID, metadata);
      allowInsecureRequests(config);
      assert.equal('client_secret' in config.clientMetadata(), false);
      const { token } = await loopbackFlow({ ...lb, config });
      assert.equal(typeof token.access_token, 'string');
      assert.ok(lb.server.requests.length >= 3);
      for (const request of lb.server.requests) {
        assert.deepEqual(request.form.filter(([name]) => name.startsWith('client_')), [['client_id', CLIENT_ID]]);
        assert.equal(request.headers['authorization'], undefined);
      }
    }
  } finally {
    await lb.close();
  }
});
