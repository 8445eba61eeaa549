import { Injectable } from '@nestjs/common';
import type { Request } from 'express';

export type FormContextProvider = (req: Request) => Promise<Record<string, unknown>> | Record<string, unknown>;

/**
 * Pages whose forms need data to render (select options, the record being edited) register a
 * provider here, so that the error filter can re-render them with field messages after bad input.
 */
@Injectable()
export class FormContextRegistry {
  private readonly providers = new Map<string, FormContextProvider>();

  register(template: string, provider: FormContextProvider): void {
    this.providers.set(template, provider);
  }

  async contextFor(template: string, req: Request): Promise<Record<string, unknown>> {
    const provider = this.providers.get(template);
    return provider ? await provider(req) : {};
  }
}
