import { Test } from '@nestjs/testing';
import { ConfigError } from '../config/app.config';
import { ORGANISATIONS_CONFIG, loadOrganisationsConfig, organisationsConfigProvider } from './organisations.config';

describe('registry settings', () => {
  it('asks for ¥3,000 of registered capital by default', () => {
    expect(loadOrganisationsConfig({})).toMatchObject({ minRegisteredCapitalMinor: 300_000 });
    expect(loadOrganisationsConfig({ ORG_MIN_REGISTERED_CAPITAL_YUAN: '  ' })).toMatchObject({ minRegisteredCapitalMinor: 300_000 });
  });

  it('reads ORG_MIN_REGISTERED_CAPITAL_YUAN in yuan, into fen', () => {
    expect(loadOrganisationsConfig({ ORG_MIN_REGISTERED_CAPITAL_YUAN: '30000' }).minRegisteredCapitalMinor).toBe(3_000_000);
    expect(loadOrganisationsConfig({ ORG_MIN_REGISTERED_CAPITAL_YUAN: '0' }).minRegisteredCapitalMinor).toBe(0);
    expect(loadOrganisationsConfig({ ORG_MIN_REGISTERED_CAPITAL_YUAN: '2999.5' }).minRegisteredCapitalMinor).toBe(299_950);
  });

  it.each(['3万', '-1', '3,000', '¥3000', '1.234', 'abc', '12345678901234'])('refuses ORG_MIN_REGISTERED_CAPITAL_YUAN=%s at start-up', (raw) => {
    expect(() => loadOrganisationsConfig({ ORG_MIN_REGISTERED_CAPITAL_YUAN: raw })).toThrow(ConfigError);
  });
});

describe('registration rate limit', () => {
  it('allows ten attempts an hour per address by default, far more under NODE_ENV=test', () => {
    expect(loadOrganisationsConfig({})).toMatchObject({ registrationRateLimit: 10, registrationRateWindowSeconds: 3600 });
    expect(loadOrganisationsConfig({ NODE_ENV: 'test' })).toMatchObject({ registrationRateLimit: 100_000 });
    expect(loadOrganisationsConfig({ REGISTRATION_RATE_LIMIT: '3', REGISTRATION_RATE_WINDOW_SECONDS: '60' })).toMatchObject({ registrationRateLimit: 3, registrationRateWindowSeconds: 60 });
  });

  it.each(['0', '-1', 'ten', '1.5', '100001'])('refuses REGISTRATION_RATE_LIMIT=%s at start-up', (raw) => {
    expect(() => loadOrganisationsConfig({ REGISTRATION_RATE_LIMIT: raw })).toThrow(ConfigError);
  });
});

describe('registry settings at start-up', () => {
  const saved = process.env.ORG_MIN_REGISTERED_CAPITAL_YUAN;
  afterEach(() => {
    if (saved === undefined) delete process.env.ORG_MIN_REGISTERED_CAPITAL_YUAN;
    else process.env.ORG_MIN_REGISTERED_CAPITAL_YUAN = saved;
  });

  it('stops the module from starting when the value is malformed', async () => {
    process.env.ORG_MIN_REGISTERED_CAPITAL_YUAN = '三千';
    await expect(Test.createTestingModule({ providers: [organisationsConfigProvider] }).compile()).rejects.toThrow(ConfigError);
  });

  it('provides the parsed value to the module', async () => {
    process.env.ORG_MIN_REGISTERED_CAPITAL_YUAN = '5000';
    const moduleRef = await Test.createTestingModule({ providers: [organisationsConfigProvider] }).compile();
    expect(moduleRef.get(ORGANISATIONS_CONFIG)).toMatchObject({ minRegisteredCapitalMinor: 500_000 });
  });
});
