import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsOptional, IsString, MaxLength } from 'class-validator';

/** A service record typed in (all values as text or numbers; checked line by line by the service). */
export class ServiceRecordInputDto {
  @ApiProperty({ description: 'Catalogue item code of the contract, e.g. C01-001' })
  itemCode: string = '';
  @ApiPropertyOptional({ description: 'Service date YYYY-MM-DD, within the contract period' })
  date?: string;
  @ApiPropertyOptional({ description: 'Sessions held (whole number ≥ 0)' })
  sessions?: string;
  @ApiPropertyOptional({ description: 'Person-visits served (whole number ≥ 0)' })
  personVisits?: string;
  @ApiPropertyOptional({ description: 'Households served (whole number ≥ 0)' })
  households?: string;
  @ApiPropertyOptional({ description: 'Hours, at most two decimals, e.g. 1.5' })
  hours?: string;
  @ApiPropertyOptional({ description: 'Note, up to 500 characters' })
  note?: string;
}

/**
 * A milestone delivery: the narrative report and service records typed in (`records`), or a
 * service log uploaded as the multipart file `serviceLog` (CSV or XLSX) instead; attachments
 * travel as multipart files `photos`, `signInSheets` and `otherAttachments`.
 */
export class SubmitDeliveryDto {
  @ApiProperty({ description: 'Narrative report of the milestone, 10–20 000 characters' })
  @IsString()
  @MaxLength(40_000)
  narrative: string = '';

  @ApiPropertyOptional({ type: [ServiceRecordInputDto], description: 'Service records, one per line (omit when uploading a service log)' })
  @IsOptional()
  @IsArray()
  records?: unknown[];
}
