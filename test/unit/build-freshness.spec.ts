import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { collectInputs, decideBuild } from '../../scripts/build-freshness';

/** `npm start` builds only when dist/ no longer matches its sources (scripts/build-freshness.js). */
describe('build freshness: when npm start builds', () => {
  const built = { 'src/main.ts': 'a1', 'migrations/1-CreateX.ts': 'b1', 'tsconfig.json': 'c1', 'package-lock.json': 'd1' };

  it('starts without building when every input has the hash recorded after the last build', () => {
    expect(decideBuild({ stamp: { inputs: built }, inputs: { ...built }, entryExists: true })).toEqual({ build: false, clean: false, reason: 'up to date' });
  });

  it('builds incrementally when a source file changed or was added', () => {
    const changed = decideBuild({ stamp: { inputs: built }, inputs: { ...built, 'src/main.ts': 'a2' }, entryExists: true });
    expect(changed).toMatchObject({ build: true, clean: false });
    expect(changed.reason).toBe('1 changed: src/main.ts');
    const added = decideBuild({ stamp: { inputs: built }, inputs: { ...built, 'src/new.ts': 'e1' }, entryExists: true });
    expect(added).toMatchObject({ build: true, clean: false });
  });

  it('builds from an empty dist when a source was removed, so its compiled migration cannot run', () => {
    const { ['migrations/1-CreateX.ts']: _removed, ...rest } = built;
    const decision = decideBuild({ stamp: { inputs: built }, inputs: rest, entryExists: true });
    expect(decision).toMatchObject({ build: true, clean: true });
    expect(decision.reason).toContain('migrations/1-CreateX.ts');
  });

  it.each(['tsconfig.json', 'package-lock.json'])('builds from an empty dist when %s changed', (file) => {
    expect(decideBuild({ stamp: { inputs: built }, inputs: { ...built, [file]: 'zz' }, entryExists: true })).toMatchObject({ build: true, clean: true });
  });

  it('builds from an empty dist when there is no stamp or no compiled entry point', () => {
    expect(decideBuild({ stamp: null, inputs: built, entryExists: true })).toMatchObject({ build: true, clean: true });
    expect(decideBuild({ stamp: { inputs: built }, inputs: built, entryExists: false })).toMatchObject({ build: true, clean: true });
    expect(decideBuild({ stamp: {} as never, inputs: built, entryExists: true })).toMatchObject({ build: true, clean: true });
  });

  it('names at most three files in its reason', () => {
    const inputs = Object.fromEntries(Object.keys(built).map((file) => [file, 'new']));
    expect(decideBuild({ stamp: { inputs: built }, inputs, entryExists: true }).reason).toMatch(/^4 changed: .+ and 1 more$/);
  });

  describe('the fingerprint of a source tree', () => {
    let root: string;
    const write = (file: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), text);
    };
    beforeEach(() => {
      root = fs.mkdtempSync(path.join(os.tmpdir(), 'build-freshness-'));
      write('src/main.ts', 'export {};');
      write('src/i18n/locales/en/home.json', '{}');
      write('src/money/money.spec.ts', 'test');
      write('migrations/1-CreateX.ts', 'export {};');
      write('scripts/start.js', 'x');
      write('scripts/helper.ts', 'export {};');
      write('views/home.hbs', '<p>');
      write('tsconfig.json', '{}');
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    it('covers sources, migrations, translations and settings, but not unit tests, views or plain scripts', () => {
      expect(Object.keys(collectInputs(root))).toEqual(['migrations/1-CreateX.ts', 'scripts/helper.ts', 'src/i18n/locales/en/home.json', 'src/main.ts', 'tsconfig.json']);
    });

    it('changes with a file content, not with its modification time', () => {
      const before = collectInputs(root);
      const later = new Date(Date.now() + 60_000);
      fs.utimesSync(path.join(root, 'src/main.ts'), later, later);
      expect(collectInputs(root)).toEqual(before);
      write('src/main.ts', 'export const x = 1;');
      expect(decideBuild({ stamp: { inputs: before }, inputs: collectInputs(root), entryExists: true })).toMatchObject({ build: true, clean: false, reason: '1 changed: src/main.ts' });
    });
  });
});
