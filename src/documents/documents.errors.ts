import { NotFoundError } from '../common/errors/domain.error';

export class DocumentNotFoundError extends NotFoundError {
  constructor(id: string) {
    super('DOCUMENTS.NOT_FOUND', `No document ${id}`);
  }
}
