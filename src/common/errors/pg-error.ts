/** PostgreSQL error details as TypeORM wraps them (on the error itself or on its `driverError`). */
export function pgError(error: unknown): { code?: string; constraint?: string; hint?: string } {
  const e = error as { code?: string; constraint?: string; hint?: string; driverError?: { code?: string; constraint?: string; hint?: string } } | null | undefined;
  return { code: e?.code ?? e?.driverError?.code, constraint: e?.constraint ?? e?.driverError?.constraint, hint: e?.hint ?? e?.driverError?.hint };
}

/** True when `error` is the unique violation (SQLSTATE 23505) of `constraint`. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const { code, constraint: name } = pgError(error);
  return code === '23505' && name === constraint;
}

/** The HINT of an exception our triggers raise (SQLSTATE P0001, HINT = an error code), or null for any other error. */
export function raisedHint(error: unknown): string | null {
  const { code, hint } = pgError(error);
  return code === 'P0001' && hint ? hint : null;
}
