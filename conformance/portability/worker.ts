// Entry point for workerd (Cloudflare Workers): answers each request with the flow's summary line.
import { runPortableFlow } from './flow.js';

export default {
  async fetch(): Promise<Response> {
    return new Response(await runPortableFlow());
  },
};
