import { ValidationError, ValidationPipe } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { FieldErrors, ValidationFailedError } from '../errors/domain.error';

/**
 * Field errors carry i18n keys plus parameters rather than English sentences, so pages can show
 * them in the reader's language: "validation.<constraint>|<json params>". The error filter
 * translates them (common/http/http-exception.filter.ts).
 */
export const FIELD_MESSAGE_SEPARATOR = '|';

export function fieldMessage(key: string, params: Record<string, unknown> = {}): string {
  return `${key}${FIELD_MESSAGE_SEPARATOR}${JSON.stringify(params)}`;
}

export function parseFieldMessage(message: string): { key: string; params: Record<string, unknown> } | null {
  const at = message.indexOf(FIELD_MESSAGE_SEPARATOR);
  if (!message.startsWith('validation.') && !message.includes('.')) return null;
  if (at < 0) return message.startsWith('validation.') ? { key: message, params: {} } : null;
  try {
    return { key: message.slice(0, at), params: JSON.parse(message.slice(at + 1)) as Record<string, unknown> };
  } catch {
    return null;
  }
}

function constraintParams(target: object | undefined, property: string, constraint: string): Record<string, unknown> {
  if (!target) return {};
  const metadata = getMetadataStorage()
    .getTargetValidationMetadatas(target.constructor, '', true, false)
    .find((m) => m.propertyName === property && (m.name === constraint || m.type === constraint));
  const values = metadata?.constraints ?? [];
  const params: Record<string, unknown> = {};
  values.forEach((value, i) => {
    if (['string', 'number', 'boolean'].includes(typeof value)) params[String(i)] = value;
    else if (Array.isArray(value)) params[String(i)] = value.join(', ');
  });
  return params;
}

export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldErrors {
  const fields: FieldErrors = {};
  for (const error of errors) {
    const name = prefix ? `${prefix}.${error.property}` : error.property;
    for (const [constraint, message] of Object.entries(error.constraints ?? {})) {
      const messages = (fields[name] ??= []);
      if (constraint === 'whitelistValidation') {
        messages.push(fieldMessage('validation.unknownField', { property: name }));
      } else if (parseFieldMessage(message)) {
        messages.push(message);
      } else {
        const key = `validation.${constraint}`;
        messages.push(fieldMessage(key, { property: name, ...constraintParams(error.target, error.property, constraint), fallback: message }));
      }
    }
    if (error.children?.length) Object.assign(fields, flattenValidationErrors(error.children, name));
  }
  return fields;
}

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    validationError: { target: true, value: false },
    exceptionFactory: (errors) => new ValidationFailedError(flattenValidationErrors(errors)),
  });
}
