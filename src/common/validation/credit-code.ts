/**
 * The unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters from a 31-character
 * alphabet (digits and capitals without I, O, Z, S, V).
 *
 *   1      registration-management department (5 = civil affairs, 9 = market regulation, …)
 *   2      organisation type (for civil affairs: 1 social group, 2 private non-enterprise unit, 3 foundation);
 *          the pair must be one Appendix A lists (CREDIT_CODE_REGISTRANTS)
 *   3–8    administrative division of the registering authority (digits)
 *   9–17   organisation code (GB 11714 has its own check digit there; deliberately NOT enforced,
 *          many real codes of social organisations fail it)
 *   18     check character over positions 1–17
 *
 * Pure: no framework imports.
 */
export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
export const CREDIT_CODE_LENGTH = 18;

/** Weight of position i (1-based) is 3^(i-1) mod 31. */
export const CREDIT_CODE_WEIGHTS: readonly number[] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/**
 * GB 32100-2015 Appendix A: the registration-management department (position 1) and the
 * organisation types it registers (position 2). Any other pair is not a code anyone issues
 * (so 000000000000000000, whose check character happens to be right, is refused).
 */
export const CREDIT_CODE_REGISTRANTS: Readonly<Record<string, string>> = {
  '1': '1239', // 机构编制: 机关, 事业单位, 中央编办直接管理机构编制的群众团体, 其他
  '2': '19', // 外交: 外国常驻新闻机构, 其他
  '3': '123459', // 司法行政: 律师执业机构, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, 其他
  '4': '19', // 文化: 外国在华文化中心, 其他
  '5': '1239', // 民政: 社会团体, 民办非企业单位, 基金会, 其他
  '6': '129', // 旅游: 外国旅游部门常驻代表机构, 港澳台地区旅游部门常驻内地（大陆）代表机构, 其他
  '7': '129', // 宗教: 宗教活动场所, 宗教院校, 其他
  '8': '19', // 工会: 基层工会, 其他
  '9': '123', // 工商 (市场监管): 企业, 个体工商户, 农民专业合作社
  A: '19', // 中央军委改革和编制办公室: 军队事业单位, 其他
  N: '1239', // 农业: 组级, 村级, 乡镇级集体经济组织, 其他
  Y: '1', // 其他
};

export function isKnownRegistrant(first: string, second: string): boolean {
  return Object.hasOwn(CREDIT_CODE_REGISTRANTS, first) && CREDIT_CODE_REGISTRANTS[first].includes(second);
}

export type CreditCodeCheck =
  | { ok: true; code: string }
  | {
      ok: false;
      reason: 'length' | 'characters' | 'registrant' | 'checkCharacter';
      /** The normalised input. */
      code: string;
      /** For 'checkCharacter': the character positions 1–17 call for. */
      expected?: string;
      /** For 'characters': 1-based position of the first character not allowed there. */
      position?: number;
    };

/**
 * Upper-cases and trims; NFKC first, so full-width input typed with a Chinese IME
 * (９１４４…) becomes ASCII.
 */
export function normaliseCreditCode(code: string): string {
  return code.normalize('NFKC').trim().toUpperCase();
}

function valueOf(char: string): number {
  return CREDIT_CODE_ALPHABET.indexOf(char);
}

/** Index (0-based) of the first character not allowed at its position, or -1. */
function firstBadCharacter(chars: string[]): number {
  return chars.findIndex((char, i) => {
    if (char.length !== 1 || valueOf(char) < 0) return true;
    // Positions 3–8 are an administrative division code: digits only.
    return i >= 2 && i <= 7 && !/^[0-9]$/.test(char);
  });
}

/** The check character (position 18) for the first 17 characters of a code. */
export function computeCheckCharacter(first17: string): string {
  const chars = Array.from(normaliseCreditCode(first17));
  if (chars.length !== CREDIT_CODE_LENGTH - 1) {
    throw new RangeError(`computeCheckCharacter needs 17 characters, got ${chars.length}`);
  }
  if (chars.some((char) => valueOf(char) < 0)) {
    throw new RangeError(`computeCheckCharacter: "${first17}" has characters outside the credit-code alphabet`);
  }
  const sum = chars.reduce((total, char, i) => total + valueOf(char) * CREDIT_CODE_WEIGHTS[i], 0);
  const check = (31 - (sum % 31)) % 31;
  return CREDIT_CODE_ALPHABET[check];
}

export function checkCreditCode(input: string): CreditCodeCheck {
  const code = normaliseCreditCode(input);
  const chars = Array.from(code);
  if (chars.length !== CREDIT_CODE_LENGTH) return { ok: false, reason: 'length', code };
  const bad = firstBadCharacter(chars);
  if (bad >= 0) return { ok: false, reason: 'characters', code, position: bad + 1 };
  if (!isKnownRegistrant(chars[0], chars[1])) return { ok: false, reason: 'registrant', code };
  const expected = computeCheckCharacter(code.slice(0, CREDIT_CODE_LENGTH - 1));
  if (chars[CREDIT_CODE_LENGTH - 1] !== expected) return { ok: false, reason: 'checkCharacter', code, expected };
  return { ok: true, code };
}

export function isValidCreditCode(code: unknown): code is string {
  return typeof code === 'string' && checkCreditCode(code).ok;
}
