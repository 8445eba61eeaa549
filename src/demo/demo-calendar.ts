import { INestApplicationContext } from '@nestjs/common';
import { Actor } from '../audit/actor';
import { YearArrangementInput } from '../procurement/domain/calendar-years';
import { localDateOf } from '../procurement/domain/local-time';
import { Clock } from '../common/clock/clock';
import { DataSource } from 'typeorm';
import { ProcurementRulesService } from '../procurement/procurement-rules.service';

/**
 * DEMO DATA, NOT AN OFFICIAL NOTICE. The demo (and the tests) run across a year boundary, but
 * nobody may present an invented holiday arrangement as the State Council's: this one is entered
 * through the same admin service as a real notice, marked `isDemo` and titled as demo data, so
 * the calendar page shows it as such. A real deployment enters the real notice on /staff/calendar.
 *
 * 2027 follows the usual pattern (元旦, 春节 around 6 February 2027, 清明, 劳动节, 端午, 中秋, 国庆)
 * with make-up working days; any other year gets only 元旦 and 国庆.
 */
export function demoArrangement(year: number): YearArrangementInput {
  const lines =
    year === 2027
      ? [
          '2027-01-01~2027-01-03 休 元旦 / New Year’s Day',
          '2027-02-06~2027-02-14 休 春节 / Spring Festival',
          '2027-02-20 班 春节调休上班 / Make-up working day (Spring Festival)',
          '2027-04-03~2027-04-05 休 清明节 / Qingming Festival',
          '2027-05-01~2027-05-05 休 劳动节 / Labour Day',
          '2027-05-08 班 劳动节调休上班 / Make-up working day (Labour Day)',
          '2027-06-09~2027-06-11 休 端午节 / Dragon Boat Festival',
          '2027-09-15 休 中秋节 / Mid-Autumn Festival',
          '2027-10-01~2027-10-07 休 国庆节 / National Day',
          '2027-09-26 班 国庆节调休上班 / Make-up working day (National Day)',
          '2027-10-09 班 国庆节调休上班 / Make-up working day (National Day)',
        ]
      : [`${year}-01-01 休 元旦 / New Year’s Day`, `${year}-10-01~${year}-10-07 休 国庆节 / National Day`];
  return {
    year: String(year),
    noticeTitle: `演示数据：${year}年节假日安排（非国务院办公厅正式通知）`,
    noticeNumber: `DEMO-${year}`,
    entries: lines.join('\n'),
  };
}

/** Enters the demo arrangement for this year and next, where no arrangement exists yet. */
export async function enterDemoCalendar(app: INestApplicationContext, admin: Actor): Promise<number[]> {
  const rules = app.get(ProcurementRulesService);
  const dataSource = app.get(DataSource);
  const year = Number(localDateOf(await app.get(Clock).now(dataSource.manager)).slice(0, 4));
  const entered = await rules.enteredYears();
  const added: number[] = [];
  for (const y of [year, year + 1]) {
    if (entered.has(y)) continue;
    await rules.enterYearArrangement(admin, demoArrangement(y), { isDemo: true });
    added.push(y);
  }
  return added;
}
