// node's spec reporter without the per-test facts that gate-preload.ts reports as diagnostics
// (`dg-assertions N`, `dg-exercised ...`): results-reporter.ts writes those to the results file,
// and on the console they would double the length of the output. Used by `npm test`.

import { Readable } from 'node:stream';
import { spec } from 'node:test/reporters';

interface TestEvent {
  type: string;
  data?: { message?: string };
}

async function* withoutGateFacts(source: AsyncIterable<TestEvent>): AsyncGenerator<TestEvent> {
  for await (const event of source) {
    if (event.type === 'test:diagnostic' && /^dg-(assertions|exercised)\b/.test(event.data?.message ?? '')) continue;
    yield event;
  }
}

export default async function* quietSpec(source: AsyncIterable<TestEvent>): AsyncGenerator<string | Buffer> {
  yield* Readable.from(withoutGateFacts(source)).pipe(new spec());
}
