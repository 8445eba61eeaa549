// Jest cannot require() ES modules on Node 20 (it can natively only from Node 24.9), and NestJS 12
// ships as ESM. Node itself loads them fine at run time (require(esm)), so only Jest's module
// registry needs help: this transformer turns those packages' files into CommonJS.
//
// Outside the registry (globalSetup/globalTeardown, loaded through a `pirates` require hook) the
// source is returned untouched, so that Node loads it natively as an ES module.
const ts = require('typescript');
const crypto = require('node:crypto');

function underRequireHook() {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 60;
  const stack = new Error().stack || '';
  Error.stackTraceLimit = limit;
  return /[\\/]pirates[\\/]/.test(stack);
}

module.exports = {
  getCacheKey(source, path) {
    const mode = underRequireHook() ? 'native' : 'cjs';
    return crypto.createHash('sha256').update(`esm-to-cjs-v3\0${mode}\0${path}\0${source}`).digest('hex');
  },
  process(source, path) {
    if (underRequireHook()) return { code: source };
    const patched = source
      // `const require = createRequire(import.meta.url)` would shadow CommonJS's own require.
      .replace(/\b(const|let|var)\s+require\s*=\s*createRequire\(\s*import\.meta\.url\s*\);?/g, '')
      .replace(/\bimport\.meta\.url\b/g, "require('node:url').pathToFileURL(__filename).href");
    const out = ts.transpileModule(patched, {
      fileName: path,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, allowJs: true, esModuleInterop: true },
    });
    return { code: out.outputText };
  },
};
