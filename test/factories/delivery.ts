import * as ExcelJS from 'exceljs';
import request from 'supertest';
import { Session } from './users';
import { TestApp } from '../support/test-app';

/** Sets the database clock (app_now()) to an absolute instant, e.g. '2027-03-31T23:59:00+08:00'. */
export async function setClockTo(t: TestApp, instant: string): Promise<void> {
  await t.dataSource.query(`UPDATE clock_settings SET offset_ms = round(extract(epoch FROM ($1::timestamptz - clock_timestamp())) * 1000)::bigint`, [instant]);
}

export const NARRATIVE = '本阶段完成需求评估与建档，开展上门探访 24 次、健康讲座 2 场，详见服务记录和签到表。';

export interface DeliveryPost {
  narrative?: string;
  records?: Array<Record<string, string>>;
  serviceLog?: { bytes: Buffer; name: string };
  photos?: Array<{ bytes: Buffer; name: string }>;
  signInSheets?: Array<{ bytes: Buffer; name: string }>;
}

/** Posts the delivery form as a browser does: multipart, the CSRF token as a body field. */
export function postDelivery(session: Session, contractId: string, position: number, body: DeliveryPost, options: { api?: boolean } = {}): request.Test {
  const url = options.api ? `/api/v1/contracts/${contractId}/milestones/${position}/deliveries` : `/organisation/contracts/${contractId}/milestones/${position}/deliveries`;
  let req = session.agent.post(url);
  req = options.api ? req.set('X-CSRF-Token', session.csrf) : req.field('_csrf', session.csrf);
  req = req.field('narrative', body.narrative ?? NARRATIVE);
  (body.records ?? []).forEach((r, i) => {
    for (const [k, v] of Object.entries(r)) req = req.field(`records[${i}][${k}]`, v);
  });
  if (body.serviceLog) req = req.attach('serviceLog', body.serviceLog.bytes, body.serviceLog.name);
  for (const p of body.photos ?? []) req = req.attach('photos', p.bytes, p.name);
  for (const s of body.signInSheets ?? []) req = req.attach('signInSheets', s.bytes, s.name);
  return req;
}

export async function xlsx(rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('服务台账');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export const LOG_HEADER = ['项目编码', '服务日期', '场次', '服务人次', '服务户数', '服务时长(小时)', '备注'];

export function csv(rows: string[][]): Buffer {
  return Buffer.from(`\uFEFF${rows.map((r) => r.join(',')).join('\r\n')}\r\n`, 'utf8');
}

export async function countDeliveries(t: TestApp, contractId: string): Promise<{ deliveries: number; records: number; attachments: number; documents: number }> {
  const [r] = await t.dataSource.query(
    `SELECT (SELECT count(*)::int FROM milestone_deliveries WHERE contract_id = $1) AS deliveries,
            (SELECT count(*)::int FROM delivery_service_records s JOIN milestone_deliveries d ON d.id = s.delivery_id WHERE d.contract_id = $1) AS records,
            (SELECT count(*)::int FROM delivery_attachments a JOIN milestone_deliveries d ON d.id = a.delivery_id WHERE d.contract_id = $1) AS attachments,
            (SELECT count(*)::int FROM documents WHERE owner_type = 'milestone_delivery') AS documents`,
    [contractId],
  );
  return r;
}

export async function milestoneStatus(t: TestApp, contractId: string, position: number): Promise<string> {
  const [r] = await t.dataSource.query(`SELECT status FROM contract_milestones WHERE contract_id = $1 AND position = $2`, [contractId, position]);
  return r.status;
}
