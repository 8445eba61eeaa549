import { CatalogueCategory } from '../catalogue/catalogue-category.entity';
import { IsoDate, isConflicting, lastConflictDay } from './domain/conflicts';
import { RELATIONSHIP_KINDS } from './domain/relationships';
import { EvaluatorView, RelationshipView } from './evaluators.service';

type Category = Pick<CatalogueCategory, 'code' | 'nameZh' | 'nameEn'>;

/** The catalogue categories an evaluator is expert in, for `l10n` names. */
export function expertiseCategories(expertise: string[], categories: Category[]): Category[] {
  return categories.filter((c) => expertise.includes(c.code));
}

export function presentEvaluator<T extends EvaluatorView>(evaluator: T, categories: Category[]) {
  return { ...evaluator, expertiseCategories: expertiseCategories(evaluator.expertise, categories) };
}

/** A relationship row: open or ended, and whether it still excludes the evaluator today. */
export function presentRelationship(r: RelationshipView, asOf: Date) {
  return {
    ...r,
    kindKey: `evaluators.kinds.${r.kind}`,
    isOpen: r.endedOn === null,
    isConflict: isConflicting(r, asOf),
    conflictUntil: r.endedOn ? lastConflictDay(r.endedOn) : null,
    isSelfDeclared: r.declaredBy === r.evaluatorId,
  };
}

export function kindOptions() {
  return RELATIONSHIP_KINDS.map((kind) => ({ code: kind, labelKey: `evaluators.kinds.${kind}` }));
}

/** Values of the profile form, from the stored profile. */
export function profileFormValues(evaluator: EvaluatorView, today: IsoDate) {
  return {
    expertise: evaluator.expertise,
    employer: evaluator.employer,
    title: evaluator.title ?? '',
    phone: evaluator.phone ?? '',
    bio: evaluator.bio ?? '',
    endedOn: today,
  };
}

export function pageLinks(meta: { page: number; pageSize: number; total: number }) {
  const pages = Math.max(1, Math.ceil(meta.total / meta.pageSize));
  return { page: meta.page, pages, total: meta.total, prev: meta.page > 1 ? meta.page - 1 : null, next: meta.page < pages ? meta.page + 1 : null };
}
