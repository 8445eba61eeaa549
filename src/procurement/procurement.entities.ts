import { Fund } from './fund.entity';
import { CalendarDayRecord, ProcurementMethodRule } from './procurement-rule.entity';
import { PROJECT_ENTITIES } from './project.entity';

/** This module's entities, registered once in src/database/entities.ts. */
export const PROCUREMENT_ENTITIES = [Fund, ProcurementMethodRule, CalendarDayRecord, ...PROJECT_ENTITIES];
