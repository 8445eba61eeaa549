import { UploadedDocumentFile, documentUploadOptions } from '../documents/upload';
import { AttachmentKind } from './delivery.entities';
import { ATTACHMENTS_MAX, SubmitDeliveryInput } from './delivery.service';
import { SubmitDeliveryDto } from './dto/submit-delivery.dto';
import { formRowsOf } from './delivery.queries';

/** Multipart parts of a delivery: the service log and the three kinds of attachments. */
export const DELIVERY_FILE_FIELDS = [
  { name: 'serviceLog', maxCount: 1 },
  { name: 'photos', maxCount: ATTACHMENTS_MAX },
  { name: 'signInSheets', maxCount: ATTACHMENTS_MAX },
  { name: 'otherAttachments', maxCount: ATTACHMENTS_MAX },
];
export const deliveryUploadOptions = () => documentUploadOptions({ maxFiles: ATTACHMENTS_MAX + 1 });

export type DeliveryFiles = Partial<Record<'serviceLog' | 'photos' | 'signInSheets' | 'otherAttachments', UploadedDocumentFile[]>>;

/** The posted form (or JSON) and files as the service takes them. */
export function submissionOf(dto: SubmitDeliveryDto, files: DeliveryFiles | undefined): SubmitDeliveryInput {
  const log = files?.serviceLog?.[0];
  const attach = (list: UploadedDocumentFile[] | undefined, kind: AttachmentKind) => (list ?? []).map((f) => ({ kind, originalName: f.originalname, buffer: f.buffer }));
  return {
    narrative: dto.narrative,
    formRows: formRowsOf(dto.records),
    serviceLog: log ? { originalName: log.originalname, buffer: log.buffer } : null,
    attachments: [...attach(files?.photos, 'photo'), ...attach(files?.signInSheets, 'sign_in_sheet'), ...attach(files?.otherAttachments, 'other')],
  };
}
