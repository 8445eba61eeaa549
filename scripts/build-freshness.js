'use strict';
/**
 * `npm start` builds only when the compiled app in dist/ no longer matches its sources: after a
 * successful build a stamp (dist/.build-stamp.json) records the sha256 of every build input, and
 * the next start compares. A second start therefore goes straight to the app instead of spending
 * ~30 s in the build (scripts/build.js). Inputs are what the compiler reads: src/ and migrations/ (without unit
 * tests), scripts/*.ts, the compiler settings, the build script and package-lock.json (a new compiler
 * or type package). views/ is read from the source tree at run time, so a template edit needs no
 * build. Run directly (`node scripts/build-freshness.js`) it builds if needed and exits.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { build } = require('./build');

const ROOT = path.resolve(__dirname, '..');
const STAMP_FILE = path.join('dist', '.build-stamp.json');
const ENTRY_FILE = path.join('dist', 'src', 'main.js');
/** A change to one of these can change every output: build from an empty dist/. */
const CONFIG_INPUTS = ['tsconfig.json', 'tsconfig.build.json', 'scripts/build.js', 'package-lock.json'];
const SOURCE_DIRS = ['src', 'migrations', 'scripts'];

function isSourceInput(relative) {
  const file = relative.split(path.sep).join('/');
  if (file.endsWith('.spec.ts')) return false;
  if (file.startsWith('scripts/')) return file.endsWith('.ts');
  return true;
}

function walk(root, dir, out) {
  let entries;
  try {
    entries = fs.readdirSync(path.join(root, dir), { withFileTypes: true });
  } catch (error) {
    if (error.code === 'ENOENT') return;
    throw error;
  }
  for (const entry of entries) {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(root, relative, out);
    else if (entry.isFile() && isSourceInput(relative)) out.push(relative);
  }
}

/** `{ "<posix path>": "<sha256>" }` of every build input under `root`. */
function collectInputs(root = ROOT) {
  const files = [];
  for (const dir of SOURCE_DIRS) walk(root, dir, files);
  for (const file of CONFIG_INPUTS) if (fs.existsSync(path.join(root, file))) files.push(file);
  const inputs = {};
  for (const file of files.sort()) {
    inputs[file.split(path.sep).join('/')] = crypto
      .createHash('sha256')
      .update(fs.readFileSync(path.join(root, file)))
      .digest('hex');
  }
  return inputs;
}

/**
 * The decision, from plain data: `stamp` is the last successful build's record (or null),
 * `inputs` today's fingerprints, `entryExists` whether dist/src/main.js is there.
 * Returns `{ build, clean, reason }`; `clean` empties dist/ first, because the incremental
 * compiler neither deletes the output of a removed file (a removed migration would still run)
 * nor re-emits outputs its build-info file believes are there.
 */
function decideBuild({ stamp, inputs, entryExists }) {
  if (!entryExists) return { build: true, clean: true, reason: 'dist/ has no compiled app' };
  if (!stamp || typeof stamp.inputs !== 'object' || stamp.inputs === null) {
    return { build: true, clean: true, reason: 'no record of a successful build' };
  }
  const changed = Object.keys(inputs).filter((file) => stamp.inputs[file] !== inputs[file]);
  const removed = Object.keys(stamp.inputs).filter((file) => !(file in inputs));
  if (!changed.length && !removed.length) return { build: false, clean: false, reason: 'up to date' };
  const settings = changed.filter((file) => CONFIG_INPUTS.includes(file));
  const clean = removed.length > 0 || settings.length > 0;
  const named = [...settings, ...removed, ...changed.filter((file) => !settings.includes(file))];
  const more = named.length > 3 ? ` and ${named.length - 3} more` : '';
  const what = removed.length ? `${removed.length} removed, ${changed.length} changed` : `${changed.length} changed`;
  return { build: true, clean, reason: `${what}: ${named.slice(0, 3).join(', ')}${more}` };
}

function readStamp(root) {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, STAMP_FILE), 'utf8'));
  } catch {
    return null;
  }
}

/** Builds when stale; returns the exit status (0: dist/ is ready). Messages go to stderr, out of the JSON log. */
function buildIfStale({ root = ROOT, log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const inputs = collectInputs(root);
  const decision = decideBuild({ stamp: readStamp(root), inputs, entryExists: fs.existsSync(path.join(root, ENTRY_FILE)) });
  if (!decision.build) return 0;
  try {
    require.resolve('typescript/bin/tsc', { paths: [root] });
  } catch {
    log(`dist/ is out of date (${decision.reason}) and typescript is not installed: run npm ci (with dev dependencies) or npm run build where it is.`);
    return 1;
  }
  log(`building (${decision.reason}) …`);
  const started = Date.now();
  if (decision.clean) fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
  else fs.rmSync(path.join(root, STAMP_FILE), { force: true });
  const status = build(root);
  if (status !== 0) {
    log('the build failed; nothing was started.');
    return status;
  }
  // The fingerprints taken before the build: a file edited during it makes the next start build again.
  fs.writeFileSync(path.join(root, STAMP_FILE), JSON.stringify({ builtAt: new Date().toISOString(), inputs }));
  log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return 0;
}

module.exports = { collectInputs, decideBuild, buildIfStale, CONFIG_INPUTS, STAMP_FILE };

if (require.main === module) process.exit(buildIfStale());
