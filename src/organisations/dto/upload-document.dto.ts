import { IsIn } from 'class-validator';
import { DOCUMENT_KINDS, OrganisationDocumentKind } from '../domain/registration';
import { choose } from './form-fields';

/** The text part of the multipart upload form; the file itself arrives through FileInterceptor. */
export class UploadDocumentDto {
  @IsIn(DOCUMENT_KINDS, { message: choose() })
  kind: OrganisationDocumentKind;
}
