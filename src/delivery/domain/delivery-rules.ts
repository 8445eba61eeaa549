/**
 * Which delivery a milestone accepts, and how hours are shown. Pure.
 *
 * A milestone takes its first delivery (round 1) while pending and, after a failed evaluation
 * opened rectification (整改), one more (round 2). Delivered, under evaluation, decided or
 * cancelled milestones take none: a second submission is refused, never stored twice.
 */
export type DeliveryRoundNumber = 1 | 2;

export function roundFor(status: string): DeliveryRoundNumber | null {
  if (status === 'pending') return 1;
  if (status === 'rectification') return 2;
  return null;
}

/** 150 → "1.5", 200 → "2", 25 → "0.25": hours from hundredths, without floating point. */
export function formatHoursCenti(centi: number): string {
  const whole = Math.trunc(centi / 100);
  const frac = String(centi % 100)
    .padStart(2, '0')
    .replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : String(whole);
}
