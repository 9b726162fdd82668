// RFC 7523 §2.2: a JWT client assertion travels as client_assertion_type (the jwt-bearer URN) and
// client_assertion (exactly one JWT), in the form body of every request to the server.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClientSecretJwt, PrivateKeyJwt } from '../../lib/index.js';
import { clientKey, initiate, jwtHarness } from '../support/assertion-side.js';
import { CLIENT_ID } from '../support/harness.js';
import { pollUntilApproved } from '../support/harness.js';

const URN = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

test('rfc7523:2.2:assertion-type rfc7523:2.2:single-jwt private_key_jwt and client_secret_jwt: every request carries the jwt-bearer type and exactly one compact JWT, no other credentials', async () => {
  const key = await clientKey('ES256');
  for (const [method, auth] of [['private_key_jwt', PrivateKeyJwt({ key: key.privateKey, kid: 'client-key-1' })], ['client_secret_jwt', ClientSecretJwt()]] as const) {
    const h = jwtHarness(method, auth, { jwks: [key.jwk] });
    const device = await initiate(h);
    const tokens = await pollUntilApproved(h, device, { approveAfter: 2 });
    assert.ok(tokens.access_token, method);
    const requests = h.server.requests.filter((r) => r.endpoint === 'device' || r.endpoint === 'token');
    assert.ok(requests.length >= 3, method);
    for (const request of requests) {
      const form = new URLSearchParams(request.form);
      assert.deepEqual(form.getAll('client_assertion_type'), [URN], method);
      const assertions = form.getAll('client_assertion');
      assert.equal(assertions.length, 1, method);
      assert.equal(assertions[0]!.split('.').length, 3, method);
      assert.equal(form.get('client_id'), CLIENT_ID, method);
      assert.equal(form.has('client_secret'), false, method);
      assert.equal(request.headers['authorization'], undefined, method);
    }
  }
});
