import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../common/common.module';
import { AppConfig } from '../config/app.config';
import { mailBackoffSeconds } from './domain/email-policy';
import { MailTransport } from './mail.transport';
import { APP_LOGGER } from '../common/logging/logger';

/** One claimed message; `attempts` after the claim is the fencing token of this attempt. */
interface MailClaim {
  id: string;
  attempts: number;
  recipient: string;
  subject: string;
  body_text: string;
}

export interface SendSummary {
  sent: number;
  retrying: number;
  dead: number;
}

/**
 * Sends the mail outbox. Claiming is a short transaction (FOR UPDATE SKIP LOCKED, status →
 * 'sending' under a lease, attempts + 1), so two instances never take the same message; the SMTP
 * conversation happens outside any transaction; the result is recorded only if the claim is still
 * ours (status 'sending' with the same attempts), in one conditional update. A message whose
 * worker died is taken over once its lease has passed. A failure waits MAIL_RETRY_BASE_SECONDS
 * doubled per attempt; after MAIL_MAX_ATTEMPTS it is 'dead' (listed on /admin/outbox).
 */
@Injectable()
export class MailOutboxWorker {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transport: MailTransport,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  /** Sends every due message (at most `limit`); without SMTP_URL nothing is claimed. */
  async sendPending(limit = 200): Promise<SendSummary> {
    const summary: SendSummary = { sent: 0, retrying: 0, dead: 0 };
    if (!this.transport.isConfigured) return summary;
    for (let done = 0; done < limit;) {
      const claims = await this.claim(null, Math.min(10, limit - done));
      if (!claims.length) break;
      for (const claim of claims) summary[await this.deliver(claim)]++;
      done += claims.length;
    }
    return summary;
  }

  /** The job of one notification: sends these messages if they are still due (a repeated job finds nothing). */
  async sendMessages(ids: string[]): Promise<SendSummary> {
    const summary: SendSummary = { sent: 0, retrying: 0, dead: 0 };
    if (!this.transport.isConfigured || !ids.length) return summary;
    for (const claim of await this.claim(ids, ids.length)) summary[await this.deliver(claim)]++;
    return summary;
  }

  private async claim(ids: string[] | null, limit: number): Promise<MailClaim[]> {
    return this.dataSource.transaction(async (m) => {
      const due = (await m.query(
        `SELECT id FROM mail_outbox
          WHERE ((status = 'pending' AND next_attempt_at <= now()) OR (status = 'sending' AND locked_until < now()))
            AND ($1::uuid[] IS NULL OR id = ANY($1::uuid[]))
          ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [ids, limit],
      )) as Array<{ id: string }>;
      if (!due.length) return [];
      const [claimed] = (await m.query(
        `UPDATE mail_outbox SET status = 'sending', attempts = attempts + 1, locked_until = now() + make_interval(secs => $2)
          WHERE id = ANY($1::uuid[]) RETURNING id, attempts, recipient, subject, body_text`,
        [due.map((r) => r.id), this.config.mail.leaseSeconds],
      )) as [MailClaim[], number];
      return claimed;
    });
  }

  private async deliver(claim: MailClaim): Promise<keyof SendSummary> {
    let messageId: string;
    try {
      messageId = await this.transport.send({ to: claim.recipient, subject: claim.subject, text: claim.body_text });
    } catch (error) {
      return this.recordFailure(claim, error as Error);
    }
    await this.dataSource.query(
      `UPDATE mail_outbox SET status = 'sent', sent_at = now(), locked_until = NULL, last_error = NULL, message_id = $3
        WHERE id = $1 AND status = 'sending' AND attempts = $2`,
      [claim.id, claim.attempts, messageId],
    );
    return 'sent';
  }

  private async recordFailure(claim: MailClaim, error: Error): Promise<keyof SendSummary> {
    const dead = claim.attempts >= this.config.mail.maxAttempts;
    const message = `${(error as { responseCode?: number }).responseCode ?? ''} ${error.message ?? String(error)}`.trim().slice(0, 1000);
    this.logger.warn({ context: 'mail', messageId: claim.id, attempt: claim.attempts, dead, err: message }, 'email delivery failed');
    await this.dataSource.query(
      `UPDATE mail_outbox SET status = $3, locked_until = NULL, last_error = $4,
              next_attempt_at = now() + make_interval(secs => $5)
        WHERE id = $1 AND status = 'sending' AND attempts = $2`,
      [claim.id, claim.attempts, dead ? 'dead' : 'pending', message, mailBackoffSeconds(claim.attempts, this.config.mail.retryBaseSeconds)],
    );
    return dead ? 'dead' : 'retrying';
  }
}
