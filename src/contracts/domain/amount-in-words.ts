import { Minor, assertMinor } from '../../common/money/money';

/**
 * An amount in fen written in Chinese financial capitals (大写金额), as contracts and payment
 * orders require (《支付结算办法》附一): 18 000 000 fen → 壹拾捌万元整. "整" follows 元 when there
 * are no 角 or 分; a 零 stands for a run of zeros inside the number. Pure.
 */
const DIGITS = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
const PLACES = ['', '拾', '佰', '仟'];
const GROUPS = ['', '万', '亿', '万亿'];

function integerInWords(value: bigint): string {
  if (value === 0n) return '';
  const groups: number[] = [];
  for (let rest = value; rest > 0n; rest /= 10_000n) groups.push(Number(rest % 10_000n));
  if (groups.length > GROUPS.length) throw new RangeError('amount too large to write in words');
  let out = '';
  let pendingZero = false;
  for (let g = groups.length - 1; g >= 0; g--) {
    const group = groups[g];
    if (group === 0) {
      if (out) pendingZero = true;
      continue;
    }
    for (let p = 3; p >= 0; p--) {
      const digit = Math.floor(group / 10 ** p) % 10;
      if (digit === 0) {
        if (out) pendingZero = true;
        continue;
      }
      if (pendingZero) out += '零';
      pendingZero = false;
      out += DIGITS[digit] + PLACES[p];
    }
    out += GROUPS[g];
  }
  return out;
}

export function amountInWords(minor: Minor): string {
  assertMinor(minor);
  if (minor < 0) throw new RangeError('a negative amount is not written in words');
  const yuan = BigInt(Math.floor(minor / 100));
  const jiao = Math.floor((minor % 100) / 10);
  const fen = minor % 10;
  const integer = integerInWords(yuan);
  if (jiao === 0 && fen === 0) return `${integer || '零'}元整`;
  let out = integer ? `${integer}元` : '';
  if (jiao > 0) out += `${DIGITS[jiao]}角`;
  else if (integer) out += '零';
  if (fen > 0) out += `${DIGITS[fen]}分`;
  return out;
}
