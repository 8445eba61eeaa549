import { ValueTransformer } from 'typeorm';
import { parseMinor } from './money';

/** bigint *_minor columns: pg returns strings; this checks they fit a safe integer. */
export const moneyTransformer: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => parseMinor(value),
};
