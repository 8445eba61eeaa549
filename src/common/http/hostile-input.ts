import { ArgumentMetadata, CanActivate, ExecutionContext, Injectable, PipeTransform } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request } from 'express';
import { DomainError, FieldErrors } from '../errors/domain.error';
import { fieldMessage } from './validation';

/**
 * Input no field of this application can hold, refused at the edge with 400 before any service
 * (or PostgreSQL, which cannot store U+0000 in text and answers an error) sees it.
 */

/** Deepest JSON nesting a request body may have. Our DTOs nest three levels at most; urlencoded forms stop at body-parser's 32 too. */
export const JSON_MAX_DEPTH = 32;

/** 400 for a body nested deeper than JSON_MAX_DEPTH (body-parser keeps an error's own status). */
export class BodyTooDeepError extends Error {
  readonly status = 400;
  readonly statusCode = 400;
  readonly type = 'entity.too.deep';
  constructor(readonly maxDepth: number) {
    super(`The request body is nested deeper than ${maxDepth} levels`);
  }
}

/**
 * The deepest nesting of arrays and objects in JSON text, counted over the raw bytes before it is
 * parsed (a 2,000-level document would otherwise overflow the stack of whatever walks it next).
 * Brackets inside strings do not count. Stops scanning once past `stopAbove`.
 */
export function jsonDepth(bytes: Uint8Array, stopAbove = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === 0x5c)
        i++; // backslash: skip the escaped character
      else if (b === 0x22) inString = false;
      continue;
    }
    if (b === 0x22) inString = true;
    else if (b === 0x7b || b === 0x5b) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > stopAbove) return max;
      }
    } else if (b === 0x7d || b === 0x5d) depth--;
  }
  return max;
}

/** body-parser `verify` for JSON: refuses a body nested deeper than JSON_MAX_DEPTH before it is parsed. */
export function verifyJsonDepth(_req: IncomingMessage, _res: ServerResponse, body: Buffer): void {
  if (jsonDepth(body, JSON_MAX_DEPTH) > JSON_MAX_DEPTH) throw new BodyTooDeepError(JSON_MAX_DEPTH);
}

const NUL = '\u0000';

/** The dotted names of every key or string value under `value` that holds a NUL character. */
export function fieldsWithNul(value: unknown, prefix: string, found: string[] = [], depth = 0): string[] {
  if (depth > 64) return found;
  if (typeof value === 'string') {
    if (value.includes(NUL)) found.push(prefix);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => fieldsWithNul(item, prefix ? `${prefix}.${i}` : String(i), found, depth + 1));
  } else if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      const name = prefix ? `${prefix}.${key.replaceAll(NUL, '\\0')}` : key.replaceAll(NUL, '\\0');
      if (key.includes(NUL)) found.push(name);
      else fieldsWithNul(item, name, found, depth + 1);
    }
  }
  return found;
}

/** 400 naming each field that holds a NUL character (in the field errors, and in the message for error pages). */
export class NulCharacterError extends DomainError {
  constructor(names: string[]) {
    const fields: FieldErrors = {};
    for (const name of names) (fields[name || 'body'] ??= []).push(fieldMessage('validation.nulCharacter', { property: name || 'body' }));
    const list = Object.keys(fields).join(', ');
    super('COMMON.NUL_CHARACTER', `NUL character in: ${list}`, 'validation', fields, 'errors.nulCharacter', { fields: list });
  }
}

function refuse(names: string[]): never {
  throw new NulCharacterError(names);
}

/**
 * Refuses a request whose path parameters, query or (JSON or form) body hold a NUL character,
 * naming each field. A guard, so it runs after routing (path parameters have names) and after
 * the access check (an anonymous caller still gets 401/303, not a hint about the input).
 */
@Injectable()
export class NulCharacterGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<Request>();
    const names = [...fieldsWithNul(req.params ?? {}, ''), ...fieldsWithNul(req.query ?? {}, ''), ...(Buffer.isBuffer(req.body) ? [] : fieldsWithNul(req.body ?? {}, ''))];
    if (names.length) refuse(names);
    return true;
  }
}

/**
 * The same check for values that exist only once the route's interceptors ran: the fields of a
 * multipart form (multer parses it in FileInterceptor, after the guards) and uploaded file names.
 */
@Injectable()
export class NulCharacterPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') {
      // Uploaded files (@UploadedFile/@UploadedFiles): only their names are text.
      const files = [value as unknown, ...(value && typeof value === 'object' && !('originalname' in value) ? (Object.values(value) as unknown[]) : [])].flat() as Array<
        { originalname?: unknown } | null | undefined
      >;
      if (files.some((f) => typeof f?.originalname === 'string' && f.originalname.includes(NUL))) refuse([metadata.data ?? 'file']);
      return value;
    }
    if (Buffer.isBuffer(value)) return value;
    const names = fieldsWithNul(value, metadata.type === 'body' ? '' : (metadata.data ?? ''));
    if (names.length) refuse(names);
    return value;
  }
}
