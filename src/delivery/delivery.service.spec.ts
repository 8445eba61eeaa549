import { formRowFieldErrors, serviceLogFieldErrors, PROBLEMS_LISTED_MAX } from './delivery.service';
import { parseFieldMessage } from '../common/http/validation';
import { translate } from '../i18n/i18n';

const text = (m: string, locale: 'zh-CN' | 'en' = 'zh-CN') => {
  const parsed = parseFieldMessage(m)!;
  return translate(locale, parsed.key, parsed.params);
};

describe('serviceLogFieldErrors', () => {
  it('says how many problems, then one sentence per problem naming the line, the column as headed in the file and the value', () => {
    const fields = serviceLogFieldErrors([
      { line: 3, column: 'sessions', header: '场次', code: 'wholeNumber', value: 'two' },
      { line: null, column: null, header: null, code: 'tooManyRows', params: { max: 5000, count: 5001 } },
    ]);
    expect(fields.serviceLog.map((m) => text(m))).toEqual([
      '服务台账未导入：共 2 处问题，请修改文件后重新上传（未导入任何记录）。',
      '第 3 行“场次”：“two”须为不小于 0 的整数',
      '服务台账有 5001 行，超过上限 5000 行，请分多次交付或合并汇总',
    ]);
    expect(text(fields.serviceLog[1], 'en')).toBe('Line 3, “场次”: “two” must be a whole number ≥ 0');
  });

  it('lists at most PROBLEMS_LISTED_MAX problems and counts the rest', () => {
    const problems = Array.from({ length: PROBLEMS_LISTED_MAX + 7 }, (_, i) => ({ line: i + 2, column: 'hours' as const, header: 'hours', code: 'hoursFormat' as const, value: 'x' }));
    const messages = serviceLogFieldErrors(problems).serviceLog;
    expect(messages).toHaveLength(PROBLEMS_LISTED_MAX + 2);
    expect(text(messages[messages.length - 1])).toBe('另有 7 处问题未列出。');
  });
});

describe('formRowFieldErrors', () => {
  it('puts each problem on its cell, records.<row>.<column>', () => {
    const fields = formRowFieldErrors([
      { line: 2, column: 'hours', header: null, code: 'hoursFormat', value: '1.255' },
      { line: 1, column: 'itemCode', header: null, code: 'itemNotInContract', value: 'C09-001' },
    ]);
    expect(Object.keys(fields).sort()).toEqual(['records.0.itemCode', 'records.1.hours']);
    expect(text(fields['records.1.hours'][0])).toBe('须为小时数，最多两位小数');
  });
});
