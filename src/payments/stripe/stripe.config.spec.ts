import { loadStripeConfig } from './stripe.config';

describe('Stripe configuration', () => {
  it('is off without STRIPE_SECRET_KEY', () => {
    expect(loadStripeConfig({}, 'development')).toMatchObject({ secretKey: null, webhookSecret: null, api: null, jobsEnabled: true });
    expect(loadStripeConfig({}, 'test').jobsEnabled).toBe(false);
  });

  it('refuses keys that are not Stripe keys, and a production rail without a webhook secret', () => {
    expect(() => loadStripeConfig({ STRIPE_SECRET_KEY: 'changeme' }, 'development')).toThrow(/STRIPE_SECRET_KEY/);
    expect(() => loadStripeConfig({ STRIPE_SECRET_KEY: 'sk_live_abc', STRIPE_WEBHOOK_SECRET: 'secret' }, 'development')).toThrow(/STRIPE_WEBHOOK_SECRET/);
    expect(() => loadStripeConfig({ STRIPE_SECRET_KEY: 'sk_live_abc' }, 'production')).toThrow(/STRIPE_WEBHOOK_SECRET is required/);
    expect(loadStripeConfig({ STRIPE_SECRET_KEY: 'sk_live_abc', STRIPE_WEBHOOK_SECRET: 'whsec_x' }, 'production')).toMatchObject({ secretKey: 'sk_live_abc', webhookSecret: 'whsec_x' });
  });

  it('points the SDK at a fake server in tests only, and honours the test hang only in tests', () => {
    const env = { STRIPE_SECRET_KEY: 'sk_test_x', STRIPE_API_HOST: '127.0.0.1', STRIPE_API_PORT: '12111', STRIPE_API_PROTOCOL: 'http', STRIPE_TEST_HANG_BEFORE_SEND_MS: '500' };
    expect(loadStripeConfig(env, 'test')).toMatchObject({ api: { host: '127.0.0.1', port: 12111, protocol: 'http' }, testHangBeforeSendMs: 500 });
    expect(loadStripeConfig(env, 'development').testHangBeforeSendMs).toBe(0);
    expect(() => loadStripeConfig({ ...env, STRIPE_WEBHOOK_SECRET: 'whsec_x' }, 'production')).toThrow(/STRIPE_API_HOST/);
    expect(() => loadStripeConfig({ ...env, STRIPE_API_PROTOCOL: 'ftp' }, 'test')).toThrow(/STRIPE_API_PROTOCOL/);
  });

  it('validates the worker settings', () => {
    expect(loadStripeConfig({ STRIPE_MAX_ATTEMPTS: '3', STRIPE_OUTBOX_LEASE_SECONDS: '30' }, 'development')).toMatchObject({ maxAttempts: 3, leaseSeconds: 30 });
    expect(() => loadStripeConfig({ STRIPE_MAX_ATTEMPTS: '0' }, 'development')).toThrow(/STRIPE_MAX_ATTEMPTS/);
    expect(() => loadStripeConfig({ STRIPE_TIMEOUT_MS: 'soon' }, 'development')).toThrow(/STRIPE_TIMEOUT_MS/);
  });
});
