// Entry point for Node, Bun and Deno: prints the flow's summary line.
import { runPortableFlow } from './flow.js';

console.log(await runPortableFlow());
