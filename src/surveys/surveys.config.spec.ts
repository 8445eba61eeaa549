import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError } from '../config/app.config';
import { SECRET_FILE_NAME, loadSurveysConfig } from './surveys.config';

describe('survey configuration', () => {
  const app = (env: string, dataDir = '/nonexistent') => ({ env, dataDir, secureCookies: false });
  const secret = 'f3a9c2e17b5d4e8a9c0b1d2e3f4a5b6c';

  it('defaults to 10 responses, 30 days and 60 answers per address per 10 minutes', () => {
    expect(loadSurveysConfig({}, app('test'))).toMatchObject({ defaultMinResponses: 10, defaultOpenDays: 30, rateLimit: 60, rateWindowSeconds: 600 });
  });

  it('reads the SURVEY_* variables and refuses bad values by name', () => {
    expect(loadSurveysConfig({ SURVEY_MIN_RESPONSES: '20', SURVEY_OPEN_DAYS: '14', SURVEY_RATE_LIMIT: '5', SURVEY_RATE_WINDOW_SECONDS: '60' }, app('test'))).toMatchObject({
      defaultMinResponses: 20,
      defaultOpenDays: 14,
      rateLimit: 5,
      rateWindowSeconds: 60,
    });
    expect(() => loadSurveysConfig({ SURVEY_MIN_RESPONSES: '0' }, app('test'))).toThrow(/SURVEY_MIN_RESPONSES/);
    expect(() => loadSurveysConfig({ SURVEY_OPEN_DAYS: 'a month' }, app('test'))).toThrow(ConfigError);
  });

  it('requires a real SURVEY_HASH_SECRET in production', () => {
    expect(() => loadSurveysConfig({}, app('production'))).toThrow(/SURVEY_HASH_SECRET is required/);
    expect(() => loadSurveysConfig({ SURVEY_HASH_SECRET: 'changeme' }, app('production'))).toThrow(/at least 32/);
    expect(() => loadSurveysConfig({ SURVEY_HASH_SECRET: 'x'.repeat(40) }, app('production'))).toThrow(/placeholder/);
    expect(loadSurveysConfig({ SURVEY_HASH_SECRET: secret }, app('production')).hashSecret).toBe(secret);
  });

  it('generates one development secret into DATA_DIR and keeps it across restarts', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'surveys-config-'));
    try {
      const first = loadSurveysConfig({}, app('development', dir)).hashSecret;
      expect(first).toMatch(/^[0-9a-f]{64}$/);
      expect(loadSurveysConfig({}, app('development', dir)).hashSecret).toBe(first);
      expect(fs.statSync(path.join(dir, SECRET_FILE_NAME)).mode & 0o777).toBe(0o600);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
