import { parseYuanToMinor } from '../../common/money/money';
import { PURCHASER_LEVELS, PurchaserLevel } from './project-draft';
import { Problems, addProblem, charLength, parseWholeNumber, text } from './problems';

/** A new funding source (专项资金) as typed. Pure. */
export interface NewFundInput {
  name?: unknown;
  fiscalYear?: unknown;
  ownerLevel?: unknown;
  ownerUnit?: unknown;
  total?: unknown;
}

export interface NewFund {
  name: string;
  fiscalYear: number;
  ownerLevel: PurchaserLevel;
  ownerUnit: string;
  totalMinor: number;
}

export function checkNewFund(input: NewFundInput): { fund: NewFund | null; problems: Problems } {
  const problems: Problems = {};
  const name = text(input.name);
  if (charLength(name) < 2 || charLength(name) > 200) addProblem(problems, 'name', 'textLength', { min: 2, max: 200 });
  const fiscalYear = parseWholeNumber(input.fiscalYear);
  if (fiscalYear === null || fiscalYear < 2000 || fiscalYear > 2100) addProblem(problems, 'fiscalYear', 'wholeNumberBetween', { min: 2000, max: 2100 });
  const ownerLevel = text(input.ownerLevel);
  if (!(PURCHASER_LEVELS as readonly string[]).includes(ownerLevel)) addProblem(problems, 'ownerLevel', 'choose');
  const ownerUnit = text(input.ownerUnit);
  if (charLength(ownerUnit) < 2 || charLength(ownerUnit) > 100) addProblem(problems, 'ownerUnit', 'textLength', { min: 2, max: 100 });
  const totalMinor = parseYuanToMinor(text(input.total));
  if (totalMinor === null || totalMinor <= 0) addProblem(problems, 'total', 'amount');
  if (Object.keys(problems).length) return { fund: null, problems };
  return { fund: { name, fiscalYear: fiscalYear!, ownerLevel: ownerLevel as PurchaserLevel, ownerUnit, totalMinor: totalMinor! }, problems };
}
