import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A disbursement's 计算依据 becomes structured: `computation.explanation` holds lines of
 * `{ key, params }` (payments/domain/explanation.ts) that pages render per locale, instead of
 * Chinese sentences. Existing tranche rows are converted from the numbers their computation
 * already stores (grade, share, tranche, payable, retention, hold-back, withheld) plus the score
 * and the retention share read from their first lines; the old text is kept beside them as
 * `explanationZh`. A row that cannot be read that way keeps its text lines, which the pages
 * show as stored. The rows are not otherwise touched (amounts, statuses, the journal).
 */
const GRADES: Record<string, string> = { 优秀: 'excellent', 良好: 'good', 合格: 'pass', 不合格: 'fail' };

interface Computation {
  grade?: string;
  shareBp?: number;
  trancheMinor?: number;
  payableMinor?: number;
  retentionMinor?: number;
  holdbackMinor?: number;
  withheldMinor?: number;
  explanation?: unknown[];
}

function percentToBp(text: string): number {
  const [whole, fraction = ''] = text.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0').slice(0, 2));
}

/** Reads a tranche's stored numbers and text back into lines; null when the row cannot be read so. */
function convertTrancheExplanation(c: Computation): Array<{ key: string; params: Record<string, number | string> }> | null {
  const text = (c.explanation ?? []).filter((l): l is string => typeof l === 'string');
  if (!text.length || text.length !== (c.explanation ?? []).length) return null;
  const nums = [c.shareBp, c.trancheMinor, c.payableMinor, c.retentionMinor, c.holdbackMinor, c.withheldMinor];
  if (!c.grade || nums.some((n) => !Number.isSafeInteger(n))) return null;
  const score = /评估得分 (\d+)\.(\d{2})/.exec(text[0]);
  if (!score) return null;
  const line = (key: string, params: Record<string, number | string>) => ({ key: `payments.explain.${key}`, params });
  const lines = [
    line('score', { scoreCenti: Number(score[1]) * 100 + Number(score[2]), grade: c.grade }),
    line('share', { trancheMinor: c.trancheMinor!, shareBp: c.shareBp!, earnedMinor: c.payableMinor! + c.retentionMinor! }),
  ];
  if (c.retentionMinor! > 0) {
    const pct = text.map((l) => /质保金 ([\d.]+)%/.exec(l)).find(Boolean);
    if (!pct) return null;
    lines.push(line('retention', { retentionBp: percentToBp(pct[1]), retentionMinor: c.retentionMinor! }));
  }
  if (c.holdbackMinor! > 0) {
    const grade = text.map((l) => /平均等级达到(优秀|良好|合格)后支付/.exec(l)).find(Boolean);
    if (!grade) return null;
    lines.push(line('holdback', { holdbackMinor: c.holdbackMinor!, minGrade: GRADES[grade[1]] }));
  }
  if (c.withheldMinor! > 0) lines.push(line('withheld', { withheldMinor: c.withheldMinor! }));
  lines.push(line('payable', { payableMinor: c.payableMinor! }));
  return lines;
}

export class StructureDisbursementExplanations1795603000000 implements MigrationInterface {
  name = 'StructureDisbursementExplanations1795603000000';

  /** The conversion, exposed for its unit test (TypeORM treats every exported function here as a migration). */
  static convert = convertTrancheExplanation;

  public async up(q: QueryRunner): Promise<void> {
    const rows = (await q.query(`SELECT id, computation FROM disbursements WHERE kind = 'tranche' AND jsonb_typeof(computation->'explanation') = 'array'`)) as Array<{
      id: string;
      computation: Computation;
    }>;
    for (const r of rows) {
      const lines = convertTrancheExplanation(r.computation);
      if (!lines) continue;
      await q.query(`UPDATE disbursements SET computation = computation || jsonb_build_object('explanation', $2::jsonb, 'explanationZh', computation->'explanation') WHERE id = $1`, [
        r.id,
        JSON.stringify(lines),
      ]);
    }
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE disbursements SET computation = (computation - 'explanationZh') || jsonb_build_object('explanation', computation->'explanationZh') WHERE computation ? 'explanationZh'`);
  }
}
