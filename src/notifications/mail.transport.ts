import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import nodemailer, { Transporter } from 'nodemailer';
import { APP_CONFIG } from '../common/common.module';
import { AppConfig } from '../config/app.config';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
}

/** nodemailer over SMTP_URL; without it the transport is off and messages wait in the outbox. */
@Injectable()
export class MailTransport implements OnModuleDestroy {
  private transporter: Transporter | null = null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get isConfigured(): boolean {
    return this.config.mail.smtpUrl !== null;
  }

  get from(): string {
    return this.config.mail.from;
  }

  /** Hands one message to the SMTP server; resolves with its Message-ID once the server accepted it. */
  async send(mail: OutgoingMail): Promise<string> {
    if (!this.config.mail.smtpUrl) throw new Error('SMTP_URL is not set');
    this.transporter ??= nodemailer.createTransport(this.config.mail.smtpUrl, { from: this.config.mail.from });
    const info = (await this.transporter.sendMail({ to: mail.to, subject: mail.subject, text: mail.text, disableFileAccess: true, disableUrlAccess: true })) as {
      messageId: string;
    };
    return info.messageId;
  }

  onModuleDestroy(): void {
    this.transporter?.close();
    this.transporter = null;
  }
}
