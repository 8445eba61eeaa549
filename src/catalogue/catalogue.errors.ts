import { NotFoundError } from '../common/errors/domain.error';

export class CategoryNotFoundError extends NotFoundError {
  constructor(code: string) {
    super('CATALOGUE.CATEGORY_NOT_FOUND', `No catalogue category ${code}`);
  }
}

export class ItemNotFoundError extends NotFoundError {
  constructor(code: string) {
    super('CATALOGUE.ITEM_NOT_FOUND', `No catalogue item ${code}`);
  }
}
