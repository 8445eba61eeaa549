import { ConfigError, loadAppConfig } from './app.config';

describe('mail configuration (SMTP_URL, MAIL_FROM)', () => {
  it('leaves email off without SMTP_URL, with safe defaults', () => {
    expect(loadAppConfig({ NODE_ENV: 'test' }).mail).toEqual({
      smtpUrl: null,
      from: 'noreply@localhost',
      maxAttempts: 8,
      retryBaseSeconds: 60,
      leaseSeconds: 120,
      pollSeconds: 30,
      jobsEnabled: false,
    });
    expect(loadAppConfig({ NODE_ENV: 'development' }).mail.jobsEnabled).toBe(true);
  });

  it('accepts smtp:// and smtps:// URLs and a From with a display name', () => {
    const mail = loadAppConfig({
      NODE_ENV: 'production',
      SESSION_SECRET: 'x'.repeat(8) + 'Q7v2L9kT4mN8pR3sW6yB1cF5',
      SMTP_URL: 'smtps://u:p@mail.example:465',
      MAIL_FROM: '社区公共服务购买平台 <noreply@mz.example>',
    }).mail;
    expect(mail).toMatchObject({ smtpUrl: 'smtps://u:p@mail.example:465', from: '社区公共服务购买平台 <noreply@mz.example>' });
  });

  it('refuses other schemes, a From that could inject headers, and production without MAIL_FROM', () => {
    expect(() => loadAppConfig({ NODE_ENV: 'test', SMTP_URL: 'http://mail.example' })).toThrow(/SMTP_URL/);
    expect(() => loadAppConfig({ NODE_ENV: 'test', SMTP_URL: 'not a url' })).toThrow(ConfigError);
    expect(() => loadAppConfig({ NODE_ENV: 'test', MAIL_FROM: 'a@b.example\r\nBcc: c@d.example' })).toThrow(/MAIL_FROM/);
    expect(() => loadAppConfig({ NODE_ENV: 'test', MAIL_FROM: 'nobody' })).toThrow(/MAIL_FROM/);
    expect(() => loadAppConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(8) + 'Q7v2L9kT4mN8pR3sW6yB1cF5', SMTP_URL: 'smtp://mail.example' })).toThrow(/MAIL_FROM is required/);
    expect(() => loadAppConfig({ NODE_ENV: 'test', MAIL_MAX_ATTEMPTS: '0' })).toThrow(/MAIL_MAX_ATTEMPTS/);
  });
});
