import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';

/**
 * A text field of a page form, taken as typed: the domain rules (src/procurement/domain) check
 * it and say what is wrong by field; here only its type and a generous length bound.
 */
export const FormText = (max = 500) => applyDecorators(IsOptional(), IsString(), MaxLength(max));

/**
 * A checkbox posted with a hidden "0" before it: ["0", "1"] when ticked, "0" when not.
 * Absent (an API client) means `absent`.
 */
export const FormCheckbox = (absent = false) =>
  applyDecorators(
    IsOptional(),
    Transform(({ value }) => {
      if (value === undefined) return absent;
      if (Array.isArray(value)) return value.includes('1') || value.includes('true');
      return value === '1' || value === 'true' || value === true || value === 'on';
    }),
    IsBoolean(),
  );
