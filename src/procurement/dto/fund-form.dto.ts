import { FormText } from './form-text';

export class FundFormDto {
  @FormText(400) name?: string;
  @FormText(10) fiscalYear?: string;
  @FormText(40) ownerLevel?: string;
  @FormText(200) ownerUnit?: string;
  @FormText(40) total?: string;
}
