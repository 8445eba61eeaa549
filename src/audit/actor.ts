/**
 * Who performs a state change, passed explicitly from the controller (`@CurrentActor()`) to the
 * service and written into the audit event. Background jobs use `SYSTEM_ACTOR`.
 */
export interface Actor {
  userId: string | null;
  /** Roles held at the time, e.g. ['bureau_officer']; ['anonymous'] for sign-up; ['system'] for jobs. */
  roles: string[];
  organisationId: string | null;
  requestId: string | null;
  ip: string | null;
}

export const SYSTEM_ACTOR: Actor = { userId: null, roles: ['system'], organisationId: null, requestId: null, ip: null };
