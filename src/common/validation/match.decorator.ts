import { ValidationArguments, registerDecorator } from 'class-validator';
import { fieldMessage } from '../http/validation';

/** The property must equal another property of the same object (password confirmation). */
export function Match(other: string) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'match',
      target: target.constructor,
      propertyName,
      constraints: [other],
      options: { message: fieldMessage('validation.mismatch', { other }) },
      validator: {
        validate(value: unknown, args: ValidationArguments) {
          return value === (args.object as Record<string, unknown>)[other];
        },
      },
    });
}
