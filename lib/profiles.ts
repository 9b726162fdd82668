/**
 * Provider profiles (`device-grant/profiles`): opt-in translations of real providers' wire
 * formats into RFC 8628 terms. Strict RFC behaviour stays the default.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628
 * @module
 */
export { profiles, type ProfileName } from './profiles/profiles.ts';
export { SALESFORCE_CODE_LIFETIME } from './profiles/salesforce.ts';
export { translating, useFetch, type Profile, type ProfileFetch, type Translation, type WireRequest } from './profiles/profile.ts';
