import { AuditEvent } from '../audit/audit-event.entity';
import { AWARD_ENTITIES } from '../awards/award.entity';
import { CONTRACT_ENTITIES } from '../contracts/contract.entity';
import { CatalogueCategory } from '../catalogue/catalogue-category.entity';
import { DELIVERY_ENTITIES } from '../delivery/delivery.entities';
import { CatalogueItem } from '../catalogue/catalogue-item.entity';
import { StoredDocument } from '../documents/document.entity';
import { PasswordResetToken } from '../identity/password-reset-token.entity';
import { EvaluatorProfile } from '../evaluators/evaluator-profile.entity';
import { EvaluatorRelationship } from '../evaluators/evaluator-relationship.entity';
import { Notification } from '../notifications/notification.entity';
import { Organisation } from '../organisations/organisation.entity';
import { User } from '../identity/user.entity';
import { PROCUREMENT_ENTITIES } from '../procurement/procurement.entities';

/** Every entity, listed once for the app and the migration CLI (no globbing, works in tests). */
export const ENTITIES = [
  ...PROCUREMENT_ENTITIES,
  ...AWARD_ENTITIES,
  ...CONTRACT_ENTITIES,
  ...DELIVERY_ENTITIES,
  Notification,
  Organisation,
  EvaluatorProfile,
  EvaluatorRelationship,
  CatalogueCategory,
  CatalogueItem,
  User,
  PasswordResetToken,
  AuditEvent,
  StoredDocument,
];
