import { ConfigError } from '../config/app.config';
import { loadDeliveryConfig } from './delivery.config';

describe('loadDeliveryConfig', () => {
  it('reminds 7 days ahead by default and reads DELIVERY_REMINDER_DAYS', () => {
    expect(loadDeliveryConfig({ NODE_ENV: 'test' }).reminderDays).toBe(7);
    expect(loadDeliveryConfig({ NODE_ENV: 'test', DELIVERY_REMINDER_DAYS: ' 14 ' }).reminderDays).toBe(14);
    expect(loadDeliveryConfig({ NODE_ENV: 'test', DELIVERY_REMINDER_DAYS: '0' }).reminderDays).toBe(0);
  });

  it.each(['-1', '7.5', 'week', '91'])('refuses DELIVERY_REMINDER_DAYS=%s at start-up', (value) => {
    expect(() => loadDeliveryConfig({ NODE_ENV: 'test', DELIVERY_REMINDER_DAYS: value })).toThrow(ConfigError);
  });

  it('runs the job only where jobs run', () => {
    expect(loadDeliveryConfig({ NODE_ENV: 'test' }).jobsEnabled).toBe(false);
    expect(loadDeliveryConfig({ NODE_ENV: 'production' }).jobsEnabled).toBe(true);
    expect(loadDeliveryConfig({ NODE_ENV: 'test', JOBS_ENABLED: 'true' }).jobsEnabled).toBe(true);
  });
});
