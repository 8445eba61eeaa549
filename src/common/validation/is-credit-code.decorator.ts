import { ValidateBy, ValidationArguments, ValidationOptions } from 'class-validator';
import { fieldMessage } from '../http/validation';
import { CREDIT_CODE_LENGTH, checkCreditCode, isValidCreditCode } from './credit-code';

export const IS_CREDIT_CODE = 'isCreditCode';

/** The i18n field message for why `value` is not a valid credit code (see common.json `validation.creditCode*`). */
export function creditCodeMessage(value: unknown): string {
  if (typeof value !== 'string') return fieldMessage('validation.creditCodeCharacters');
  const result = checkCreditCode(value);
  if (result.ok || result.reason === 'characters') return fieldMessage('validation.creditCodeCharacters');
  if (result.reason === 'length') {
    return fieldMessage('validation.creditCodeLength', { length: Array.from(result.code).length, expectedLength: CREDIT_CODE_LENGTH });
  }
  if (result.reason === 'registrant') return fieldMessage('validation.creditCodeRegistrant', { prefix: result.code.slice(0, 2) });
  return fieldMessage('validation.creditCodeCheck', { expected: result.expected });
}

/**
 * A unified social credit code (GB 32100-2015). Lowercase and surrounding spaces are accepted;
 * store `normaliseCreditCode(value)` (or add `@Transform` with it on the DTO property).
 * The failure message names the reason: length, characters, or the expected check character.
 */
export function IsCreditCode(validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: IS_CREDIT_CODE,
      validator: {
        validate: (value: unknown) => isValidCreditCode(value),
        defaultMessage: (args?: ValidationArguments) => {
          const value: unknown = args?.value;
          // With { each: true } the message is built once for the whole array: explain its first bad item.
          const subject: unknown = Array.isArray(value) ? (value as unknown[]).find((item) => !isValidCreditCode(item)) : value;
          return creditCodeMessage(subject);
        },
      },
    },
    validationOptions,
  );
}
