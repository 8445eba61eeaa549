import { IsIn } from 'class-validator';
import { fieldMessage } from '../../common/http/validation';

export const EMAIL_CHOICES = ['all', 'essential'] as const;

export class EmailSettingsDto {
  @IsIn(EMAIL_CHOICES, { message: fieldMessage('notifications.settings.invalid') })
  email: (typeof EMAIL_CHOICES)[number];
}
