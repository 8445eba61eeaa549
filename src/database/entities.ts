import { AuditEvent } from '../audit/audit-event.entity';
import { CatalogueCategory } from '../catalogue/catalogue-category.entity';
import { CatalogueItem } from '../catalogue/catalogue-item.entity';
import { StoredDocument } from '../documents/document.entity';
import { PasswordResetToken } from '../identity/password-reset-token.entity';
import { Notification } from '../notifications/notification.entity';
import { Organisation } from '../organisations/organisation.entity';
import { User } from '../identity/user.entity';

/** Every entity, listed once for the app and the migration CLI (no globbing, works in tests). */
export const ENTITIES = [
  Notification,
  Organisation,
  CatalogueCategory, CatalogueItem, User, PasswordResetToken, AuditEvent, StoredDocument];
