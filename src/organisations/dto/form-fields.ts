import { TransformFnParams } from 'class-transformer';
import { ValidateBy, ValidationOptions } from 'class-validator';
import { fieldMessage } from '../../common/http/validation';
import { isCalendarDate } from '../domain/registration';

/**
 * Form-field helpers for this module's DTOs. Each validator gives ONE message for its field (the
 * most useful: required, then length, then format), worded for the reader rather than naming
 * the property, so a form shows "请填写此项" beside the input instead of "nameZh must be…".
 */

/** NFKC (full-width digits and letters typed with a Chinese IME become ASCII), then trimmed. */
export const normaliseText = ({ value }: TransformFnParams): unknown => (typeof value === 'string' ? value.normalize('NFKC').trim() : value);

/** NFC only (keeps full-width punctuation in names and addresses), then trimmed. */
export const trimText = ({ value }: TransformFnParams): unknown => (typeof value === 'string' ? value.normalize('NFC').trim() : value);

/** A blank query parameter means "no filter". */
export const blankToUndefined = ({ value }: TransformFnParams): unknown => (typeof value === 'string' ? value.trim() || undefined : value);

/** Checkbox groups post nothing, one value, or several. */
export const toArray = ({ value }: TransformFnParams): unknown[] => {
  if (value === undefined || value === null || value === '') return [];
  return Array.isArray(value) ? value : [value];
};

/** "12" (or "１２") becomes 12; blank becomes undefined; anything else stays as typed and fails validation. */
export const toCount = ({ value }: TransformFnParams): unknown => {
  if (typeof value !== 'string') return value;
  const text = value.normalize('NFKC').trim();
  if (text === '') return undefined;
  return /^\d{1,9}$/.test(text) ? Number(text) : value;
};

export const required = () => fieldMessage('validation.organisationRequired');
export const choose = () => fieldMessage('validation.organisationChoose');

function textProblem(value: unknown, options: TextOptions): string | null {
  if (typeof value !== 'string' || value.length === 0) return options.min === 0 && (value === undefined || value === '') ? null : required();
  const length = Array.from(value).length;
  if (length < options.min || length > options.max) return fieldMessage('validation.organisationLength', { min: options.min, max: options.max });
  if (options.pattern && !options.pattern.test(value)) return fieldMessage(options.patternKey ?? 'validation.organisationFormat');
  return null;
}

export interface TextOptions {
  min: number;
  max: number;
  pattern?: RegExp;
  patternKey?: string;
}

/** Text of `min`–`max` characters (Unicode code points), optionally matching `pattern`. */
export function IsFormText(options: TextOptions, validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isFormText',
      validator: {
        validate: (value: unknown) => textProblem(value, options) === null,
        defaultMessage: (args) => textProblem(args?.value, options) ?? required(),
      },
    },
    validationOptions,
  );
}

function countProblem(value: unknown, max: number): string | null {
  if (value === undefined || value === null || value === '') return required();
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) return fieldMessage('validation.organisationCount');
  if (value > max) return fieldMessage('validation.organisationCountMax', { max });
  return null;
}

/** A whole number from 0 to `max` (use with @Transform(toCount)). */
export function IsCount(max: number): PropertyDecorator {
  return ValidateBy({
    name: 'isCount',
    validator: {
      validate: (value: unknown) => countProblem(value, max) === null,
      defaultMessage: (args) => countProblem(args?.value, max) ?? required(),
    },
  });
}

/** A real date written YYYY-MM-DD, as <input type="date"> sends it. */
export function IsCalendarDate(): PropertyDecorator {
  const problem = (value: unknown) =>
    value === undefined || value === null || value === '' ? required() : typeof value === 'string' && isCalendarDate(value) ? null : fieldMessage('validation.organisationDate');
  return ValidateBy({
    name: 'isCalendarDate',
    validator: {
      validate: (value: unknown) => problem(value) === null,
      defaultMessage: (args) => problem(args?.value) ?? required(),
    },
  });
}

/** Mainland mobile (1xx xxxx xxxx) or landline with area code and extension: 7–20 of 0-9 + ( ) - and spaces, at least 7 digits. */
export const PHONE_PATTERN = /^(?=(?:\D*\d){7})[0-9+() -]{7,20}$/;

/** At least one Han character: the name as registered, in Chinese. */
export const CHINESE_NAME_PATTERN = /\p{Script=Han}/u;
