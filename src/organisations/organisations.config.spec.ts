import { Test } from '@nestjs/testing';
import { ConfigError } from '../config/app.config';
import { ORGANISATIONS_CONFIG, loadOrganisationsConfig, organisationsConfigProvider } from './organisations.config';

describe('registry settings', () => {
  it('asks for ¥3,000 of registered capital by default', () => {
    expect(loadOrganisationsConfig({})).toEqual({ minRegisteredCapitalMinor: 300_000 });
    expect(loadOrganisationsConfig({ ORG_MIN_REGISTERED_CAPITAL_YUAN: '  ' })).toEqual({ minRegisteredCapitalMinor: 300_000 });
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
    expect(moduleRef.get(ORGANISATIONS_CONFIG)).toEqual({ minRegisteredCapitalMinor: 500_000 });
  });
});
