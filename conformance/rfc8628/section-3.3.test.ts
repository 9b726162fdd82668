// RFC 8628 §3.3: user interaction. The library returns what the user must be shown; it prints nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initiateDeviceAuthorization } from '../../lib/index.js';
import { deviceBody, json, scriptedConfig } from '../support/harness.js';
import { loopback } from '../support/request-side.js';

test('rfc8628:3.3:user-instructions user_code and verification_uri reach the caller exactly as the server sent them', async () => {
  const cases: Array<Record<string, string>> = [
    { user_code: 'WDJB-MJHT', verification_uri: 'https://example.com/device' },
    // No normalisation: letter case, default port, dot segments, trailing slash, query and fragment stay.
    { user_code: 'wdjb mjht', verification_uri: 'HTTPS://Example.COM:443/a/../Device/?lang=fr#top' },
    // Any characters the server chose, including ones a renderer must take care of.
    { user_code: 'ÄÖÜ-€✓ 123', verification_uri: 'https://xn--bcher-kva.example/gerät' },
    { user_code: 'CODE\u0007\u001b[31m', verification_uri: 'https://example.com/d' },
  ];
  for (const sent of cases) {
    const complete = `${sent['verification_uri']}?user_code=${encodeURIComponent(sent['user_code'] ?? '')}`;
    const { config } = scriptedConfig(() => json(deviceBody({ ...sent, verification_uri_complete: complete })));
    const device = await initiateDeviceAuthorization(config);
    assert.equal(device.user_code, sent['user_code']);
    assert.equal(device.verification_uri, sent['verification_uri']);
    assert.equal(device.verification_uri_complete, complete);
  }
});

test('rfc8628:3.3:user-instructions on real HTTP, the returned user_code is the one the verification page accepts', async () => {
  const lb = await loopback('none');
  try {
    const device = await initiateDeviceAuthorization(lb.config);
    const [grant] = [...lb.server.grants.values()];
    assert.ok(grant);
    assert.equal(device.user_code, grant.userCode);
    assert.equal(device.verification_uri, `${lb.listening.url.origin}/device`);
    // The user opens verification_uri on another device: the page is there.
    const page = await fetch(device.verification_uri);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    await page.text();
    // And typing the code there identifies this device authorization.
    assert.equal(lb.server.approve(device.user_code), true);
    assert.equal(lb.server.grants.get(device.device_code)?.status, 'approved');
  } finally {
    await lb.close();
  }
});
