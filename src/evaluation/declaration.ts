import { createHash } from 'node:crypto';
import { Locale, translate } from '../i18n/i18n';

/**
 * The no-conflict declaration (回避承诺) a member signs before seeing any bid. The signed text is
 * always the Chinese one (the official language of the record); English pages show a
 * translation beside it. Its sha256 and the text itself are stored with the signature.
 */
export interface DeclarationFacts {
  memberName: string;
  reference: string;
  title: string;
  /** Bidders' names, sorted, so the member can tell whether they have a tie with any. */
  bidders: string[];
}

export function declarationText(facts: DeclarationFacts, locale: Locale = 'zh-CN'): string {
  return translate(locale, 'evaluation.declaration.text', {
    name: facts.memberName,
    reference: facts.reference,
    title: facts.title,
    bidders: facts.bidders.join(locale === 'en' ? '; ' : '；'),
  });
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The name typed under the declaration must be the member's own (spaces ignored). */
export function signerMatches(typed: string, memberName: string): boolean {
  const normalise = (value: string) => value.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
  return normalise(typed) !== '' && normalise(typed) === normalise(memberName);
}
