const fs = require('node:fs');
const path = require('node:path');

// NestJS 12 and some dependencies ship as ES modules. Node 20 loads them with require(esm), but
// Jest's module loader cannot (natively only from Node 24.9), so Jest turns them into CommonJS.
function esmPackages(dir = path.join(__dirname, 'node_modules')) {
  const names = [];
  for (const entry of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    if (entry.startsWith('.')) continue;
    if (entry.startsWith('@')) {
      for (const sub of fs.readdirSync(path.join(dir, entry))) names.push(`${entry}/${sub}`);
    } else names.push(entry);
  }
  return names.filter((name) => {
    try {
      return JSON.parse(fs.readFileSync(path.join(dir, name, 'package.json'), 'utf8')).type === 'module';
    } catch {
      return false;
    }
  });
}
const esm = esmPackages()
  .map((n) => n.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
  .join('|');

const shared = {
  testEnvironment: 'node',
  rootDir: __dirname,
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', diagnostics: { warnOnly: false } }],
    [`node_modules/(${esm})/.+\\.js$`]: '<rootDir>/test/support/esm-to-cjs.transformer.js',
  },
  transformIgnorePatterns: [`node_modules/(?!(${esm})/)`],
  moduleFileExtensions: ['ts', 'js', 'json'],
};

module.exports = {
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // Two cores: two workers, each test file on its own database.
  maxWorkers: process.env.JEST_WORKERS || 2,
  // A global option (Jest ignores it per project); browser journeys set their own, longer one.
  testTimeout: 30000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/unit/**/*.spec.ts'] },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'] },
    { ...shared, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'] },
  ],
};
