#!/usr/bin/env node
'use strict';
/**
 * `npm run build`: the TypeScript compiler on tsconfig.build.json, then the translation files
 * beside the compiled i18n module (src/i18n/locales → dist/src/i18n/locales).
 *
 * This is all `nest build` did here (tsc builder, one asset rule). The Nest 12 CLI and its
 * schematics ask for Node 22 (@angular-devkit 22, commander 15), which the README does not
 * promise, so the build runs the compiler directly and the CLI is not a dependency.
 */
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..');
const ASSETS = [{ from: 'src/i18n/locales', to: 'dist/src/i18n/locales', suffix: '.json' }];

function copyTree(from, to, suffix) {
  let copied = 0;
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) copied += copyTree(source, target, suffix);
    else if (entry.name.endsWith(suffix)) {
      fs.mkdirSync(to, { recursive: true });
      fs.copyFileSync(source, target);
      copied++;
    }
  }
  return copied;
}

/** Compiles and copies the assets; returns the exit status (0: dist/ is complete). */
function build(root = ROOT) {
  const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) return result.status || 1;
  for (const asset of ASSETS) {
    fs.rmSync(path.join(root, asset.to), { recursive: true, force: true });
    copyTree(path.join(root, asset.from), path.join(root, asset.to), asset.suffix);
  }
  return 0;
}

module.exports = { build };

if (require.main === module) process.exit(build());
