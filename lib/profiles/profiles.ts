/**
 * The provider profiles, by name. Each translates one provider's deviations from RFC 8628 and
 * nothing more; providers that need no translation have an empty profile.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628
 * @module
 */

import { auth0 } from './auth0.ts';
import { awsSso } from './aws-sso.ts';
import { entraV1 } from './entra-v1.ts';
import { entraV2 } from './entra-v2.ts';
import { github } from './github.ts';
import { google } from './google.ts';
import { keycloak } from './keycloak.ts';
import { okta } from './okta.ts';
import type { Profile } from './profile.ts';
import { salesforce } from './salesforce.ts';
import { twitch } from './twitch.ts';

/**
 * The names of the profiles.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628
 */
export type ProfileName = 'github' | 'google' | 'entra-v2' | 'entra-v1' | 'auth0' | 'keycloak' | 'okta' | 'aws-sso' | 'salesforce' | 'twitch';

/**
 * Every provider profile, keyed by provider. Use one as discovery's `execute` option
 * (`{ execute: profiles.google.execute }`), or build the Configuration from
 * `profile.metadata(issuer)` and run its `execute` on it.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628
 */
// dg:profiles:export: a plain object literal, so an application that never reads it drops all ten.
export const profiles: Readonly<Record<ProfileName, Profile>> = {
  github,
  google,
  'entra-v2': entraV2,
  'entra-v1': entraV1,
  auth0,
  keycloak,
  okta,
  'aws-sso': awsSso,
  salesforce,
  twitch,
};
