// RFC 8414 §6.2: against impersonation, the issuer the URL was built from must match the issuer
// in the document exactly.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClientError, initiateDeviceAuthorization } from '../../lib/index.js';
import { json } from '../support/harness.js';
import { discoverWith, metadataDoc } from '../support/discovery-side.js';

test('rfc8414:6.2:issuer-prefix rfc8414:3.3:issuer-match a document copied from another tenant or host cannot impersonate it', async () => {
  // An attacker at tenant-a serves tenant-b's (or another host's) document to steal its users' device flows.
  for (const impersonated of ['https://as.test/tenant-b', 'https://login.victim.test', 'https://as.test/tenant-a/sub']) {
    const server = 'https://as.test/tenant-a';
    const d = discoverWith(server, {
      [`${server}/.well-known/openid-configuration`]: json(metadataDoc(impersonated)),
    });
    await assert.rejects(d.result, (error: unknown) => error instanceof ClientError && error.code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED');
    assert.equal(d.fetch.calls.length, 1);
  }
  // The genuine document is accepted, and requests then go to the endpoints it names.
  const server = 'https://as.test/tenant-a';
  const d = discoverWith(server, {
    [`${server}/.well-known/openid-configuration`]: json(metadataDoc(server)),
    [`${server}/device_authorization`]: json({ device_code: 'd', user_code: 'u', verification_uri: 'https://as.test/v', expires_in: 60 }),
  });
  await initiateDeviceAuthorization(await d.result);
  assert.deepEqual(d.fetch.calls.map((c) => c.url), [`${server}/.well-known/openid-configuration`, `${server}/device_authorization`]);
});
