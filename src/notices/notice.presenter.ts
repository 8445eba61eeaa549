import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ProjectListRow } from '../procurement/project.queries';

export class ProjectNoticeView {
  @ApiProperty({ example: 'WH-2026-0001' }) reference: string;
  @ApiProperty() title: string;
  @ApiProperty({ enum: ['published', 'closed', 'opened', 'evaluation', 'awarded', 'failed', 'cancelled'] }) status: string;
  @ApiProperty({ enum: ['open_tender', 'competitive_consultation', 'competitive_negotiation', 'request_for_quotation', 'single_source'] }) method: string;
  @ApiProperty() purchaserName: string;
  @ApiProperty({ description: 'Budget ceiling in fen' }) budgetCeilingMinor: number;
  @ApiProperty({ example: 'CNY' }) currency: string;
  @ApiProperty({ type: [String], example: ['C01'] }) categoryCodes: string[];
  @ApiProperty({ type: String, format: 'date-time' }) publishedAt: string | null;
  @ApiPropertyOptional({ type: String, format: 'date-time' }) questionDeadlineAt: string | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Bid deadline, which is also the opening time' }) bidDeadlineAt: string | null;
  @ApiProperty({ example: '/notices/projects/WH-2026-0001' }) url: string;
}

export class NoticesPageMeta {
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
  @ApiProperty() total: number;
}

export function presentNotice(row: ProjectListRow): ProjectNoticeView {
  return {
    reference: row.reference,
    title: row.title,
    status: row.status,
    method: row.method,
    purchaserName: row.purchaserName,
    budgetCeilingMinor: row.budgetCeilingMinor,
    currency: 'CNY',
    categoryCodes: row.categoryCodes,
    publishedAt: row.publishedAt?.toISOString() ?? null,
    questionDeadlineAt: row.questionDeadlineAt?.toISOString() ?? null,
    bidDeadlineAt: row.bidDeadlineAt?.toISOString() ?? null,
    url: `/notices/projects/${row.reference}`,
  };
}
