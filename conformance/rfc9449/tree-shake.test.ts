// dg:dpop:tree-shake: the modules behind discovery, initiateDeviceAuthorization,
// pollDeviceAuthorizationGrant and ClientSecretBasic import neither lib/dpop/ nor lib/jose/ nor
// the refresh grant: DPoP reaches them only as a type. Read from the compiled dist/lib graph.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// This file runs as dist/conformance/rfc9449/tree-shake.test.js.
const LIB = fileURLToPath(new URL('../../lib/', import.meta.url));
const IMPORT = /^\s*(?:import|export)\s[^;]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/gm;

/** Every module reachable from `entries` through runtime (not type-only) imports, relative to dist/lib. */
function graph(entries: string[]): Set<string> {
  const seen = new Set<string>();
  const queue = entries.map((e) => join(LIB, e));
  while (queue.length > 0) {
    const file = queue.pop()!;
    const name = relative(LIB, file);
    if (seen.has(name)) continue;
    seen.add(name);
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) queue.push(join(dirname(file), match[1]!));
  }
  return seen;
}

test('dg:dpop:tree-shake the base flow modules import no DPoP, JOSE or refresh code; the DPoP modules do', () => {
  const base = graph(['discovery/discovery.js', 'device/device-authorization.js', 'device/polling-driver.js', 'oauth/client-auth.js']);
  assert.ok(base.has('device/polling-machine.js') && base.has('oauth/request.js'), [...base].join(' '));
  for (const name of base) {
    assert.ok(!name.startsWith('dpop/') && !name.startsWith('jose/') && name !== 'oauth/refresh.js', name);
  }
  // The check can fail: the DPoP handle's own graph does reach lib/jose.
  const dpop = graph(['dpop/handle.js']);
  assert.ok(dpop.has('jose/jws.js') && dpop.has('jose/jwk.js'), [...dpop].join(' '));
  assert.ok(!graph(['oauth/refresh.js']).has('dpop/handle.js'), 'refresh reaches DPoP only through the interface');
});
