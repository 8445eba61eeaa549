import { validate } from 'class-validator';
import { translate } from '../../i18n/i18n';
import { flattenValidationErrors, parseFieldMessage } from '../http/validation';
import { IsCreditCode } from './is-credit-code.decorator';

class RegisterOrganisationForm {
  @IsCreditCode()
  creditCode: unknown;
}

class ManyCodesForm {
  @IsCreditCode({ each: true })
  codes: unknown;
}

async function messageFor(value: unknown): Promise<{ key: string; params: Record<string, unknown> } | null> {
  const form = Object.assign(new RegisterOrganisationForm(), { creditCode: value });
  const fields = flattenValidationErrors(await validate(form));
  if (!fields.creditCode) return null;
  expect(fields.creditCode).toHaveLength(1);
  return parseFieldMessage(fields.creditCode[0]);
}

describe('@IsCreditCode()', () => {
  it('passes a valid code, in any case', async () => {
    await expect(messageFor('51510107MJ0000000B')).resolves.toBeNull();
    await expect(messageFor(' 51510107mj0000000b ')).resolves.toBeNull();
  });

  it('explains a wrong check character with the expected one, in both languages', async () => {
    const message = await messageFor('51510107MJ0000000A');
    expect(message).toEqual({ key: 'validation.creditCodeCheck', params: { expected: 'B' } });
    expect(translate('zh-CN', message!.key, message!.params)).toBe('统一社会信用代码校验位错误，按前17位应为 B');
    expect(translate('en', message!.key, message!.params)).toMatch(/check character.*wrong.*should be B$/);
  });

  it('explains a wrong length with the length given', async () => {
    const message = await messageFor('51510107MJ000000');
    expect(message).toEqual({ key: 'validation.creditCodeLength', params: { length: 16, expectedLength: 18 } });
    expect(translate('zh-CN', message!.key, message!.params)).toBe('统一社会信用代码应为 18 位，当前为 16 位');
  });

  it('explains illegal characters, and treats a non-string as one', async () => {
    await expect(messageFor('51510107MJ000000OB')).resolves.toMatchObject({ key: 'validation.creditCodeCharacters' });
    await expect(messageFor(Number('914403001922038216'))).resolves.toMatchObject({ key: 'validation.creditCodeCharacters' });
  });

  it('with each: true, explains the first bad item', async () => {
    const form = Object.assign(new ManyCodesForm(), { codes: ['914403001922038216', '91440300708461136X'] });
    const fields = flattenValidationErrors(await validate(form));
    expect(parseFieldMessage(fields.codes[0])).toEqual({ key: 'validation.creditCodeCheck', params: { expected: 'T' } });
  });
});
