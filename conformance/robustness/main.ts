// npm run fuzz -- --seconds N --seed S: runs seeds S, S+1, … for N seconds and prints the figures.
import { liveTimers, runSeeds, type RunReport } from './fuzz.js';

function flag(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index === -1 ? undefined : Number(process.argv[index + 1]);
  return value === undefined || !Number.isFinite(value) ? fallback : value;
}

const seconds = flag('seconds', 60);
const first = flag('seed', 1);
const started = performance.now();
const reports: RunReport[] = [];
for (let seed = first; performance.now() - started < seconds * 1000; seed += 64) reports.push(...(await runSeeds(seed, seed + 64)));
await new Promise((resolve) => setTimeout(resolve, 200));
const violations = reports.flatMap((r) => r.violations.map((v) => `seed ${r.seed}: ${v}`));
const outcomes = new Map<string, number>();
for (const r of reports) outcomes.set(r.code, (outcomes.get(r.code) ?? 0) + 1);
console.log(`seeds ${first}..${first + reports.length - 1}: ${reports.length} runs in ${((performance.now() - started) / 1000).toFixed(1)} s`);
console.log(`token requests: ${reports.reduce((n, r) => n + r.polls, 0)}, tokens: ${reports.filter((r) => r.outcome === 'token').length}`);
console.log(`outcomes: ${[...outcomes].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`).join(', ')}`);
console.log(`violations: ${violations.length}`);
for (const v of violations.slice(0, 50)) console.log(`  ${v}`);
console.log(`timers alive at the end: ${liveTimers()}`);
process.exitCode = violations.length === 0 ? 0 : 1;
