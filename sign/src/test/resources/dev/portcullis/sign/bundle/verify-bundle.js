// Checks a Sigstore bundle with sigstore-js (@sigstore/bundle and @sigstore/verify), trusting one
// public key and nothing else: no transparency log, no certificate authority, no timestamps.
//
//   node verify-bundle.js BUNDLE PUBLIC_KEY_PEM [ARTIFACT]
//
// Prints one JSON line: {"verified":true,"bundle":<the bundle as sigstore-js writes it back>} or
// {"verified":false,"code":...,"message":...}; exits 0 either way, 2 on a usage error.
'use strict';
const fs = require('fs');
const crypto = require('crypto');
const { bundleFromJSON, bundleToJSON } = require('@sigstore/bundle');
const { toSignedEntity, toTrustMaterial, Verifier } = require('@sigstore/verify');

const [bundlePath, keyPath, artifactPath] = process.argv.slice(2);
if (!bundlePath || !keyPath) {
  console.error('usage: node verify-bundle.js BUNDLE PUBLIC_KEY_PEM [ARTIFACT]');
  process.exit(2);
}

function outcome() {
  let bundle;
  try {
    bundle = bundleFromJSON(JSON.parse(fs.readFileSync(bundlePath, 'utf8')));
  } catch (e) {
    return { verified: false, code: 'BUNDLE_INVALID', message: `${e.message} ${JSON.stringify(e.fields || [])}` };
  }
  const spki = crypto.createPublicKey(fs.readFileSync(keyPath, 'utf8')).export({ format: 'der', type: 'spki' });
  const hint = bundle.verificationMaterial.content.publicKey.hint;
  // the trusted key is filed under the hint the bundle names: a bundle naming another key finds none
  const noAuthorities = { tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] };
  const trust = toTrustMaterial(noAuthorities, { [hint]: { rawBytes: spki } });
  const verifier = new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
  const artifact = artifactPath ? fs.readFileSync(artifactPath) : undefined;
  try {
    verifier.verify(toSignedEntity(bundle, artifact));
    return { verified: true, bundle: bundleToJSON(bundle) };
  } catch (e) {
    return { verified: false, code: e.code || e.name, message: e.message };
  }
}

console.log(JSON.stringify(outcome()));
