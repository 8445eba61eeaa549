/**
 * A caller used the audit log wrongly (outside a transaction, a malformed action, an oversized
 * summary). A programming error, not a domain rule: it fails the caller's transaction and reaches
 * the client as a plain 500 with a request id.
 */
export class AuditUsageError extends Error {
  readonly code = 'AUDIT.USAGE';

  constructor(message: string) {
    super(message);
    this.name = 'AuditUsageError';
  }
}
