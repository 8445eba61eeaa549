import { SYSTEM_ACTOR } from '../../src/audit/actor';
import { demoArrangement } from '../../src/demo/demo-calendar';
import { atSameLocalTime, localDateOf } from '../../src/procurement/domain/local-time';
import { nextWorkingDay } from '../../src/procurement/domain/working-days';
import { ProcurementRulesService } from '../../src/procurement/procurement-rules.service';
import { dbNow } from './clock';
import { TestApp } from './test-app';

/**
 * Tests run on any day of any year, so periods reach next year: enter, through the admin
 * service, the (made-up, labelled) arrangement for this year and the next where none is entered.
 */
export async function enterCalendarYears(t: TestApp): Promise<void> {
  const rules = t.app.get(ProcurementRulesService);
  const year = Number(localDateOf(await dbNow(t.dataSource)).slice(0, 4));
  const entered = await rules.enteredYears();
  for (const y of [year, year + 1]) {
    if (!entered.has(y)) await rules.enterYearArrangement(SYSTEM_ACTOR, demoArrangement(y), { isDemo: true });
  }
}

/** `instant`, or the same time on the next working day when it falls on a rest day. */
export async function onWorkingDay(t: TestApp, instant: Date): Promise<Date> {
  const calendar = await t.app.get(ProcurementRulesService).loadCalendar(t.dataSource.manager, localDateOf(instant));
  return atSameLocalTime(instant, nextWorkingDay(localDateOf(instant), calendar));
}
