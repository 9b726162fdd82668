// The layout of lib/ (spec/design.md, "Layers"): a folder per spec area, imports only downward,
// no import cycle, and a pure machine that imports nothing at run time but the error module.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const lib = join(root, 'lib');
/** Lower layers first; a file may import its own layer and the ones before it. */
const LAYERS = ['errors', 'http', 'jose', 'oidc', 'oauth', 'discovery', 'dpop', 'device', 'profiles'];

interface Edge {
  from: string;
  to: string;
  typeOnly: boolean;
}

function sources(dir = lib): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [relative(root, path)] : [];
  });
}

/** Every relative import or re-export of `file`, with whether it is erased at compile time. */
function edges(file: string): Edge[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/^(?:import|export)\s+(type\s+)?([^;]*?)\s+from\s+'(\.[^']+)'/gms)].map((m) => ({
    from: file,
    to: normalize(join(dirname(file), m[3] ?? '')),
    typeOnly: m[1] !== undefined || /^\{(\s*type\s+[^,}]+,?)+\s*\}$/.test((m[2] ?? '').trim()),
  }));
}

const layerOf = (file: string): number => LAYERS.indexOf(file.split('/').length > 2 ? file.split('/')[1]! : file.split('/')[1]!.replace(/\.ts$/, ''));

test('dg:layout:layers lib/ has no import cycle, even counting type-only imports', () => {
  const graph = new Map(sources().map((file) => [file, edges(file).map((e) => e.to)]));
  assert.ok(graph.size > 40, 'the scan found the sources');
  const done = new Set<string>();
  const visit = (file: string, path: string[]): void => {
    assert.ok(!path.includes(file), `import cycle: ${[...path.slice(path.indexOf(file)), file].join(' -> ')}`);
    if (done.has(file)) return;
    for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
    done.add(file);
  };
  for (const file of graph.keys()) visit(file, []);
  // The check itself finds a cycle when there is one.
  assert.throws(() => {
    graph.set('lib/errors.ts', ['lib/http/http.ts']);
    done.clear();
    visit('lib/errors.ts', []);
  }, /import cycle/);
});

test('dg:layout:layers imports only go down the layers, and the machine imports values from the error module only', () => {
  let checked = 0;
  for (const file of sources()) {
    const own = layerOf(file);
    if (own < 0) continue; // index.ts, qr, cli, sans-io and profiles.ts sit above every layer
    for (const edge of edges(file)) {
      const target = layerOf(edge.to);
      checked++;
      assert.ok(target <= own, `${file} imports ${edge.to}, a higher layer`);
    }
  }
  assert.ok(checked > 50, `${checked} imports checked`);
  const machine = edges('lib/device/polling-machine.ts').filter((e) => !e.typeOnly).map((e) => e.to);
  assert.deepEqual(machine, ['lib/errors.ts']);
});
