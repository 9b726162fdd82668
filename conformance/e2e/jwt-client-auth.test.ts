// Over real loopback HTTP, against the project's own server (which checks every assertion's
// signature, aud, exp and jti, and refuses a replay), an openid-client-style program logs in with
// private_key_jwt and with client_secret_jwt, verifying the ID token's signature as it goes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exportPublicJwk } from '../../lib/jose/jwk.js';
import { createAuthorizationServer } from '../server/authorization-server.js';
import { listen } from '../server/listen.js';
import type { RegisteredClient } from '../server/types.js';
import { deviceLoginWithJwt, type JwtAuth } from './openid-client-jwt-style.js';

async function loginOver(clientEntry: RegisteredClient, auth: JwtAuth, idTokenAlg: 'RS256' | 'ES256') {
  const server = createAuthorizationServer({ interval: 0.1, expiresIn: 10, clients: [clientEntry], idTokenAlg });
  const listening = await listen(server);
  try {
    const login = await deviceLoginWithJwt(listening.url, clientEntry.clientId, auth, (userCode) => {
      // After the first poll (the interval is floored at 1 s: dg:polling:interval-floor), so that at least two polls carry assertions.
      setTimeout(() => server.approve(userCode, 'alice'), 1300);
    });
    return { login, server };
  } finally {
    await listening.close();
  }
}

function assertions(server: ReturnType<typeof createAuthorizationServer>): string[] {
  return server.requests.flatMap((r) => r.form.filter(([name]) => name === 'client_assertion').map(([, value]) => value));
}

test('rfc7523:2.2:assertion-type rfc7523:3:signed dg:clientauth:fresh-assertion dg:idtoken:signature-opt-in loopback: an openid-client-style login with private_key_jwt (ES256 key, RS256 ID token)', async () => {
  const { privateKey, publicKey } = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const jwk = { ...(await exportPublicJwk(publicKey)), kid: 'cli-1' };
  const { login, server } = await loginOver({ clientId: 'e2e-pkjwt', authMethod: 'private_key_jwt', jwks: [jwk] }, { method: 'private_key_jwt', key: privateKey, kid: 'cli-1' }, 'RS256');
  assert.ok(login.accessToken);
  assert.equal(login.subject, 'alice');
  const sent = assertions(server);
  assert.ok(sent.length >= 3, `${sent.length} assertions`);
  assert.equal(new Set(sent).size, sent.length, 'a new assertion for every request');
  assert.equal(server.requests.filter((r) => r.endpoint === 'jwks').length, 1);
});

test('rfc7523:2.2:assertion-type rfc7523:3:signed dg:clientauth:fresh-assertion loopback: an openid-client-style login with client_secret_jwt (ES256 ID token)', async () => {
  const secret = 'e2e client secret: long enough for HS256';
  const { login, server } = await loginOver({ clientId: 'e2e-csjwt', clientSecret: secret, authMethod: 'client_secret_jwt' }, { method: 'client_secret_jwt', secret }, 'ES256');
  assert.ok(login.accessToken);
  assert.equal(login.subject, 'alice');
  const sent = assertions(server);
  assert.ok(sent.length >= 3);
  assert.equal(new Set(sent).size, sent.length);
});
