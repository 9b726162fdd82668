// The optional features measured on top of the base bundle (bundle.ts): each must tree-shake
// away when it is not imported, so the base stays what it is. Data only: an entry whose module
// or exports do not exist (yet) is skipped with a note. `from` is a module under dist/lib/,
// index.js by default.

export interface Feature {
  feature: string;
  exports: readonly string[];
  from?: string;
}

export const FEATURES: readonly Feature[] = [
  { feature: 'JWS/JWT client auth: private_key_jwt', exports: ['PrivateKeyJwt'] },
  { feature: 'JWS/JWT client auth: client_secret_jwt', exports: ['ClientSecretJwt'] },
  { feature: 'DPoP', exports: ['getDPoPHandle', 'randomDPoPKeyPair'] },
  { feature: 'JWKS: ID token signature checks', exports: ['enableNonRepudiationChecks'] },
  { feature: 'refresh', exports: ['refreshTokenGrant'] },
  { feature: 'profiles', exports: ['profiles'] },
];
