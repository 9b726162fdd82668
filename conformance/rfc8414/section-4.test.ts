// RFC 8414 §4 (string comparison rules): JSON escapes removed, no Unicode normalization,
// code point by code point.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClientError } from '../../lib/index.js';
import { json } from '../support/harness.js';
import { discoverWith, metadataDoc, rawJson } from '../support/discovery-side.js';

const mismatch = (error: unknown) => error instanceof ClientError && error.code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED';

function wellKnown(server: string): string {
  return `${new URL(server).href.replace(/\/$/, '')}/.well-known/openid-configuration`;
}

test('rfc8414:4:json-unescape an issuer written with \\/ and \\u00e9 escapes matches the same URL written plainly', async () => {
  const server = 'https://as.test/t\u00e9nant';
  const text = '{"issuer":"https:\\/\\/as.test\\/t\\u00e9nant","token_endpoint":"https:\\/\\/as.test\\/token","\\u0064evice_authorization_endpoint":"https://as.test/d"}';
  assert.ok(text.includes('\\/') && text.includes('\\u00e9'));
  const d = discoverWith(server, { [wellKnown(server)]: rawJson(text) });
  const config = await d.result;
  assert.equal(config.serverMetadata().issuer, server);
  assert.equal(config.serverMetadata().token_endpoint, 'https://as.test/token');
  assert.equal(config.serverMetadata().device_authorization_endpoint, 'https://as.test/d');
  // The same, with the server URL already percent-encoded.
  const encoded = discoverWith('https://as.test/t%C3%A9nant', { [wellKnown(server)]: rawJson(text) });
  assert.equal((await encoded.result).serverMetadata().issuer, server);
});

test('rfc8414:4:no-normalization issuers whose paths differ only in NFC versus NFD do not match', async () => {
  const nfc = 'https://as.test/caf\u00e9';
  const nfd = 'https://as.test/cafe\u0301';
  assert.equal(nfc.normalize('NFD'), nfd);
  for (const [server, issuer] of [
    [nfc, nfd],
    [nfd, nfc],
  ] as const) {
    const d = discoverWith(server, { [wellKnown(server)]: json(metadataDoc(issuer)) });
    await assert.rejects(d.result, mismatch, `${server} vs ${issuer}`);
  }
  for (const form of [nfc, nfd]) {
    const d = discoverWith(form, { [wellKnown(form)]: json(metadataDoc(form)) });
    assert.equal((await d.result).serverMetadata().issuer, form);
  }
});

test('rfc8414:4:code-point-equality issuers whose paths differ only in letter case (or in percent-encoding case) do not match', async () => {
  const pairs: Array<[string, string]> = [
    ['https://as.test/Tenant', 'https://as.test/tenant'],
    ['https://as.test/tenant', 'https://as.test/TENANT'],
    ['https://as.test/%C3%A9', 'https://as.test/%c3%a9'],
    ['https://as.test/a%2Fb', 'https://as.test/a/b'],
  ];
  for (const [server, issuer] of pairs) {
    const d = discoverWith(server, { [wellKnown(server)]: json(metadataDoc(issuer)) });
    await assert.rejects(d.result, mismatch, `${server} vs ${issuer}`);
  }
});
