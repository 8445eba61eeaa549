import { createHmac } from 'node:crypto';

/**
 * Residents may leave a phone number so that the same person answers once; only an HMAC of the
 * normalised number is stored, keyed by a server secret and salted with the survey id, so the
 * number cannot be recovered by hashing every mobile number, and answers of one resident to two
 * surveys cannot be linked.
 *
 * Accepted: mainland mobile numbers (11 digits starting 1[3-9]), written with spaces, dashes,
 * dots or brackets, and with or without +86 / 0086 / 86 in front. Full-width digits are read as
 * digits (a Chinese keyboard may produce them).
 */
const MOBILE = /^1[3-9]\d{9}$/;

export function normalisePhone(raw: string): string | null {
  const halfWidth = raw.normalize('NFKC');
  if (!/^[\d\s+().-]*$/.test(halfWidth)) return null;
  let digits = halfWidth.replace(/[\s().-]/g, '');
  if (digits.startsWith('+')) {
    if (!digits.startsWith('+86')) return null;
    digits = digits.slice(3);
  } else if (digits.startsWith('0086')) {
    digits = digits.slice(4);
  } else if (digits.length === 13 && digits.startsWith('86')) {
    digits = digits.slice(2);
  }
  return MOBILE.test(digits) ? digits : null;
}

/** hex HMAC-SHA256 of the normalised number for one survey. */
export function hashPhone(secret: string, surveyId: string, normalised: string): string {
  if (!MOBILE.test(normalised)) throw new RangeError('hashPhone takes a normalised mobile number');
  return createHmac('sha256', secret).update(`survey-phone/v1\0${surveyId}\0${normalised}`).digest('hex');
}

/** hex HMAC-SHA256 of the device cookie for one survey (the cookie value itself is not stored). */
export function hashDevice(secret: string, surveyId: string, deviceToken: string): string {
  return createHmac('sha256', secret).update(`survey-device/v1\0${surveyId}\0${deviceToken}`).digest('hex');
}

/** hex HMAC-SHA256 of the client address an answer came from, for one survey (the address itself is not stored). */
export function hashAddress(secret: string, surveyId: string, address: string): string {
  return createHmac('sha256', secret).update(`survey-address/v1\0${surveyId}\0${address}`).digest('hex');
}
