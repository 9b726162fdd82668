// The openid-client-style DPoP program (openid-client-dpop.ts) over real loopback HTTP against the
// conformance server, which verifies every proof, demands a nonce on the first poll and binds the
// tokens. Counts only: the timing of the nonce retry is proved on the fake clock (rfc9449/section-8).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createAuthorizationServer } from '../server/authorization-server.js';
import { decodeProof } from '../support/dpop-side.js';
import { listen } from '../server/listen.js';
import { dpopDeviceLogin } from './openid-client-dpop.js';

test('dg:compat:poll-signature rfc9449:5:proof-header dg:dpop:nonce-retry-once rfc9449:5:refresh-same-key openid-client-style program: a DPoP-bound device login where the server demands a nonce on the first poll, then a refresh', async () => {
  const server = createAuthorizationServer({ interval: 0.1, expiresIn: 10, dpop: { nonce: 'required', required: true } });
  const listening = await listen(server);
  try {
    const session = await dpopDeviceLogin(listening.url, 'demo-public', 'openid', (userCode) => {
      setTimeout(() => server.approve(userCode, 'bob'), 250);
    });
    assert.equal(session.tokenType, 'dpop');
    assert.equal(session.subject, 'bob');
    const thumbprint = server.dpop.boundTokens.get(session.accessToken);
    assert.ok(thumbprint);
    const token = server.requests.filter((r) => r.endpoint === 'token');
    const [grant] = [...server.grants.values()];
    // One nonce demand, on the first poll, answered by one extra request that the server did not
    // count as a poll; every request carried a proof, and every one after the demand the nonce.
    assert.equal(server.dpop.nonceDemands, 1);
    assert.equal(token.length, grant!.pollCount + 1);
    assert.equal(decodeProof(token[0]!.headers['dpop']).claims['nonce'], undefined);
    for (const request of token.slice(1)) assert.equal(decodeProof(request.headers['dpop']).claims['nonce'], server.dpop.nonce);

    const refreshed = await session.refresh();
    assert.equal(refreshed.tokenType, 'dpop');
    assert.equal(refreshed.subject, 'bob');
    assert.notEqual(refreshed.accessToken, session.accessToken);
    assert.equal(server.dpop.boundTokens.get(refreshed.accessToken), thumbprint, 'the same key');
    assert.equal(server.dpop.nonceDemands, 1, 'the refresh reused the nonce it had');
    // A second refresh with the rotated refresh token works too.
    assert.equal((await session.refresh()).tokenType, 'dpop');
  } finally {
    await listening.close();
  }
});
