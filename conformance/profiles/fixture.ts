// The shape of a provider's wire fixture: the requests it accepts, what it answers, where each
// piece comes from, and how each scenario must end with and without the profile.
import type { ProfileName, ServerMetadata } from '../../lib/index.js';

/** A document the fixture rests on, and what it confirmed (or did not). */
export interface Source {
  title: string;
  url: string;
  says: string;
}

/** One answer of the provider, with its source: a document's URL, or "modelled: why". */
export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  source: string;
}

/** What the provider requires of a request: the body format and members (a string: that exact value). */
export interface Expects {
  format: 'form' | 'json';
  members: Record<string, string | true>;
}

export type Scenario = 'approve' | 'deny' | 'expire' | 'slow_down' | 'timeout';

/** How a flow ends: a token, an OAuth error from the server, or a typed ClientError (code, message). */
export type Ending = { token: { access_token: string; scope?: string } } | { error: string } | { code: string; message?: RegExp };

export interface ProviderFixture {
  name: ProfileName;
  sources: Source[];
  /** Where the provider's documentation disagreed with the issue, or could not confirm it. */
  disagreements: string[];
  /** The issuer given to the profile's `metadata`, or discovered. */
  issuer: string;
  /** The metadata a caller has without the profile: the discovery document's, or the documented endpoints. */
  plain: ServerMetadata;
  client: { secret?: string; auth: 'none' | 'post' };
  /** Extra parameters of the device authorization request (scope, resource, start_url). */
  parameters?: Record<string, string>;
  /** Extra parameters of every poll. */
  pollParameters?: Record<string, string>;
  device: { url: string; expects: Expects; response: Reply; rejected: Reply };
  poll: {
    url: string;
    expects: Expects;
    rejected: Reply;
    pending: Reply;
    slowDown?: Reply;
    token: Reply;
    denied: Reply;
    expired: Reply;
  };
  /** The provider's discovery document, when it serves one, at `discoveryUrl`. */
  discovery?: { url: string; reply: Reply };
  withProfile: Partial<Record<Scenario, Ending>>;
  /** Without the profile: one ending for every scenario, or one per scenario. */
  withoutProfile: Ending | Partial<Record<Scenario, Ending>>;
}

export const json = (status: number, body: unknown, source: string, headers: Record<string, string> = {}): Reply => ({ status, body, source, headers });
