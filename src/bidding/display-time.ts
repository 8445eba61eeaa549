import { DISPLAY_TIME_ZONE } from '../common/views/view-helpers';

// One formatter for the process: building an Intl.DateTimeFormat costs more than formatting with it.
const SECONDS_FORMAT = new Intl.DateTimeFormat('en-CA', {
  timeZone: DISPLAY_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** "2026-11-23 17:05:09" in Asia/Shanghai: deadlines, receipts and the opening record need the seconds. */
export function formatSeconds(value: Date | null | undefined): string {
  if (!value) return '';
  const parts = SECONDS_FORMAT.formatToParts(value);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')}`;
}
