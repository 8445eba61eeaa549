#!/usr/bin/env node
// Some npm 11 releases write package-lock.json entries for optional platform binaries with no
// version (npm/cli#9846); `npm ci` then stops with "Invalid Version". This fills each such entry
// from the registry (version, tarball, integrity, platform fields), as the parent package wants it.
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');

const lock = JSON.parse(fs.readFileSync('package-lock.json', 'utf8'));
let filled = 0;
for (const [key, entry] of Object.entries(lock.packages)) {
  if (!key || entry.version || entry.link) continue;
  const name = key.split('node_modules/').pop();
  const parent = lock.packages[key.slice(0, key.lastIndexOf('/node_modules/'))] ?? lock.packages[''];
  const wanted = { ...parent.dependencies, ...parent.optionalDependencies }[name];
  if (!wanted) throw new Error(`${key}: no parent asks for ${name}`);
  const meta = JSON.parse(execFileSync('npm', ['view', `${name}@${wanted}`, '--json']).toString());
  const filledEntry = { version: meta.version, resolved: meta.dist.tarball, integrity: meta.dist.integrity };
  for (const field of ['cpu', 'os', 'libc', 'dependencies', 'engines']) if (meta[field]) filledEntry[field] = meta[field];
  lock.packages[key] = { ...filledEntry, ...entry };
  filled++;
  console.log(`${key} → ${meta.version}`);
}
fs.writeFileSync('package-lock.json', `${JSON.stringify(lock, null, 2)}\n`);
console.log(filled ? `filled ${filled} entries` : 'every lock entry has a version');
