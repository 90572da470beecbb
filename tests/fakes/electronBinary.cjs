// A stand-in for Electron's executable, for packaging where the real binary cannot be downloaded:
// a shell script that carries Electron's fuse wire (the sentinel, the wire's version and length, and
// one byte per fuse) exactly where @electron/fuses looks for it, with Electron's shipped defaults, so
// that electron-builder's electronFuses flips it and @electron/fuses reads it back as it would a real
// binary's.
const { chmodSync, writeFileSync } = require('node:fs');

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Electron's defaults, in FuseV1Options order: RunAsNode, EnableCookieEncryption,
 * EnableNodeOptionsEnvironmentVariable, EnableNodeCliInspectArguments,
 * EnableEmbeddedAsarIntegrityValidation, OnlyLoadAppFromAsar, LoadBrowserProcessSpecificV8Snapshot,
 * GrantFileProtocolExtraPrivileges ('1' on, '0' off). */
const SHIPPED_FUSES = '10110001';

function writeStandInElectron(path) {
  const wire = Buffer.concat([Buffer.from(SENTINEL), Buffer.from([1, SHIPPED_FUSES.length]), Buffer.from(SHIPPED_FUSES)]);
  writeFileSync(path, Buffer.concat([Buffer.from('#!/bin/sh\necho stand-in electron\nexit 0\n# '), wire, Buffer.from('\n')]));
  chmodSync(path, 0o755);
}

module.exports = { writeStandInElectron, SHIPPED_FUSES };
