import type {} from 'passport';
import type { Locale } from '../../i18n/i18n';

declare global {
  namespace Express {
    interface User {
      id: string;
      roles: string[];
      organisationId: string | null;
    }
    interface Request {
      id: string;
      locale: Locale;
      /** Set by @FormView(): the template to re-render with field errors on bad input. */
      formView?: { template: string; titleKey?: string };
      /** The form was posted from its confirmation step (common/http/confirmation.ts). */
      confirmed?: boolean;
    }
  }
}

export {};
