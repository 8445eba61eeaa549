import { minorToYuanInput } from '../common/money/money';
import { ConfirmationPage } from '../common/http/confirmation';
import { formatDateTime } from '../common/views/view-helpers';
import { formatSeconds } from './display-time';
import { BidPage, BidReceipt, MyBidRow, OwnBid } from './bids.service';
import { BidContent, proposalParagraphs } from './domain/bid-content';
import { OpeningRecord, ReceiptCheck } from './opening/opening.service';
import { BiddingProject } from '../procurement/projects.service';

/** Blank team rows offered in the form beyond those already filled (no script needed to add one). */
export const BLANK_TEAM_ROWS = 3;

export function receiptUrl(bidId: string, version: number): string {
  return `/bids/${bidId}/versions/${version}/receipt`;
}

/** The printable receipt (HTML, which links to the PDF and the JSON). */
export function receiptPrintUrl(bidId: string, version: number): string {
  return `/bids/${bidId}/versions/${version}/receipt/print`;
}

/** A receipt for its printable page. */
export function presentPrintableReceipt(r: BidReceipt, publicUrl = '') {
  return {
    ...r,
    kindKey: `records.receipt.kind.${r.kind}`,
    submittedAtIso: r.submittedAt.toISOString(),
    submittedAtText: formatSeconds(r.submittedAt),
    verifyUrl: r.receiptSha256 ? `${publicUrl}${verifyUrl(r.projectReference, r.receiptSha256)}` : null,
    jsonUrl: receiptUrl(r.bidId, r.version),
    pdfUrl: `${receiptUrl(r.bidId, r.version)}.pdf`,
  };
}

export function openingUrl(reference: string): string {
  return `/notices/projects/${encodeURIComponent(reference)}/opening`;
}

export function verifyUrl(reference: string, receipt?: string): string {
  return `${openingUrl(reference)}/verify${receipt ? `?receipt=${receipt}` : ''}`;
}

/** The receipt as JSON (the API answer and the downloadable file). */
export function presentReceipt(r: BidReceipt, publicUrl = '') {
  return {
    type: 'marketplace/bid-receipt/1',
    projectId: r.projectId,
    projectReference: r.projectReference,
    bidId: r.bidId,
    organisationId: r.organisationId,
    version: r.version,
    kind: r.kind,
    submittedAt: r.submittedAt.toISOString(),
    submittedAtShanghai: `${formatSeconds(r.submittedAt)} (Asia/Shanghai)`,
    receiptSha256: r.receiptSha256,
    ...(r.receiptSha256 ? { verifyAfterOpening: `${publicUrl}${verifyUrl(r.projectReference, r.receiptSha256)}` } : {}),
    note:
      r.kind === 'withdrawal'
        ? 'Withdrawal recorded at the database time above. 撤回已于上述数据库时间记录。'
        : 'sha256 of the sealed bid (canonical JSON with a random nonce). After the opening, the opening record shows this hash for the version that counts. 密封投标内容的 sha256；开标后可在开标记录中核验。',
  };
}

export function presentProject(p: BiddingProject) {
  return {
    id: p.id,
    reference: p.reference,
    title: p.title,
    purchaserName: p.purchaserName,
    status: p.status,
    bidDeadlineAt: p.bidDeadlineAt,
    budgetCeilingMinor: p.budgetCeilingMinor,
    milestones: p.milestones,
    openingUrl: openingUrl(p.reference),
  };
}

export function presentContent(bidId: string, c: BidContent, attachmentUrl: (documentId: string) => string) {
  return {
    priceMinor: c.priceMinor,
    paragraphs: proposalParagraphs(c.proposal),
    team: c.team,
    deliveryPlan: c.deliveryPlan,
    attachments: c.attachments.map((a) => ({ ...a, url: attachmentUrl(a.documentId) })),
    declaration: c.declaration,
    bidId,
  };
}

function presentOwnBid(bid: OwnBid) {
  const versions = bid.versions.map((v) => ({
    ...v,
    submittedAtIso: v.submittedAt.toISOString(),
    submittedAtText: formatSeconds(v.submittedAt),
    kindKey: `bidding.kinds.${v.kind}`,
    receiptUrl: receiptUrl(bid.id, v.version),
    printUrl: receiptPrintUrl(bid.id, v.version),
    isCurrent: v.version === bid.currentVersion,
  }));
  return {
    latest: versions[0],
    id: bid.id,
    status: bid.status,
    isWithdrawn: bid.status === 'withdrawn',
    currentVersion: bid.currentVersion,
    firstSubmittedAt: bid.firstSubmittedAt,
    lastChangedAt: bid.lastChangedAt,
    versions,
    content: bid.content ? presentContent(bid.id, bid.content, (doc) => `/bids/${bid.id}/attachments/${doc}`) : null,
  };
}

type FormBody = Record<string, unknown> | undefined;

function rows(value: unknown): Array<Record<string, unknown>> {
  if (Array.isArray(value)) return value as Array<Record<string, unknown>>;
  if (value && typeof value === 'object') return Object.values(value as object) as Array<Record<string, unknown>>;
  return [];
}

const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

/** The form's values: what was just posted (re-render after an error), else the current bid, else blank. */
export function presentForm(project: BiddingProject, bid: OwnBid | null, body: FormBody) {
  // After a withdrawal the form offers a new bid pre-filled with what was withdrawn.
  const content = bid?.content ?? bid?.withdrawnContent ?? null;
  const posted = body && Object.keys(body).length > 0 ? body : null;
  const team = posted ? rows(posted.team).map((m) => ({ name: str(m.name), role: str(m.role), qualifications: str(m.qualifications) })) : (content?.team ?? []).map((m) => ({ ...m }));
  const filled = team.filter((m) => m.name || m.role || m.qualifications);
  const teamRows = [...filled, ...Array.from({ length: BLANK_TEAM_ROWS }, () => ({ name: '', role: '', qualifications: '' }))].map((m, i) => ({
    ...m,
    index: i,
    number: i + 1,
    nameField: `team.${i}.name`,
    roleField: `team.${i}.role`,
    qualificationsField: `team.${i}.qualifications`,
  }));
  const postedPlan = new Map(rows(posted?.deliveryPlan).map((e) => [Number(e.milestone), str(e.plan)]));
  const deliveryPlan = project.milestones.map((m, i) => ({
    index: i,
    milestone: m.position,
    name: m.name,
    dueDate: m.dueDate,
    field: `deliveryPlan.${m.position}`,
    plan: posted ? (postedPlan.get(m.position) ?? '') : (content?.deliveryPlan.find((e) => e.milestone === m.position)?.plan ?? ''),
  }));
  const keep = posted ? ([] as unknown[]).concat(posted.keepAttachmentIds ?? []).map(str) : (content?.attachments ?? []).map((a) => a.documentId);
  return {
    price: posted ? str(posted.price) : content ? minorToYuanInput(content.priceMinor) : '',
    proposal: posted ? str(posted.proposal) : (content?.proposal ?? ''),
    team: teamRows,
    deliveryPlan,
    declarationSigner: posted ? str(posted.declarationSigner) : (content?.declaration.signerName ?? ''),
    declarationAccepted: posted ? ['on', 'true', '1'].includes(str(posted.declarationAccepted)) : false,
    attachments: (content?.attachments ?? []).map((a) => ({ ...a, kept: keep.includes(a.documentId) })),
  };
}

/** The confirmation step before a withdrawal: what happens, the price withdrawn, the deadline to bid again. */
export function presentWithdrawConfirmation(page: BidPage): ConfirmationPage {
  return {
    titleKey: 'bidding.confirm.withdrawTitle',
    consequenceKey: 'bidding.confirm.withdrawConsequence',
    params: { version: page.bid?.currentVersion ?? '', deadline: formatDateTime(page.project.bidDeadlineAt) },
    amountMinor: page.bid?.content?.priceMinor ?? null,
    amountLabelKey: 'bidding.confirm.withdrawAmount',
    facts: [
      { labelKey: 'bidding.bid.reference', value: page.project.reference },
      { labelKey: 'bidding.confirm.project', value: page.project.title, lang: 'zh-CN' },
    ],
    confirmKey: 'bidding.confirm.withdraw',
    backUrl: `/projects/${page.project.id}/bid`,
    isDanger: true,
  };
}

export function presentBidPage(page: BidPage, body?: FormBody) {
  const canBid = page.isOpen && page.problems.length === 0;
  return {
    titleKey: 'bidding.bid.title',
    project: presentProject(page.project),
    isOpen: page.isOpen,
    isOpened: page.isOpened,
    canBid,
    problemKeys: page.problems,
    bid: page.bid ? presentOwnBid(page.bid) : null,
    form: presentForm(page.project, page.bid, body),
    formAction: `/projects/${page.project.id}/bid`,
  };
}

export function presentMyBids(rows: MyBidRow[]) {
  return rows.map((r) => ({
    ...r,
    statusKey: `bidding.bidStatus.${r.status}`,
    projectStatusKey: `bidding.projectStatus.${r.projectStatus}`,
    url: `/projects/${r.projectId}/bid`,
    projectUrl: `/projects/${r.projectId}`,
    receiptUrl: r.hasReceipt ? receiptUrl(r.bidId, r.currentVersion) : null,
    // Once a committee evaluates the project (or has), the bid's own evaluation page (qualification, explanations, results).
    evaluationUrl: r.status === 'submitted' && (r.projectStatus === 'evaluation' || r.projectStatus === 'awarded') ? `/bids/${r.bidId}/evaluation` : null,
    openingUrl: r.isOpened ? openingUrl(r.projectReference) : null,
  }));
}

export function presentOpening(record: OpeningRecord) {
  return {
    project: { ...record.project, isFailed: record.project.status === 'failed' },
    openedAt: record.openedAt,
    openedAtText: formatSeconds(record.openedAt),
    triggerKey: `bidding.opening.trigger.${record.trigger}`,
    bidCount: record.bidCount,
    decryptedCount: record.bids.filter((b) => b.decrypted).length,
    bids: record.bids.map((b, i) => ({
      position: i + 1,
      organisationName: b.organisationName,
      priceMinor: b.priceMinor,
      submittedAt: b.submittedAt,
      submittedAtText: formatSeconds(b.submittedAt),
      version: b.version,
      receiptSha256: b.receiptSha256,
      decrypted: b.decrypted,
      verifyUrl: verifyUrl(record.project.reference, b.receiptSha256),
    })),
    verifyUrl: verifyUrl(record.project.reference),
  };
}

/** JSON of the public record: what other organisations may see, nothing more. */
export function presentOpeningJson(record: OpeningRecord) {
  return {
    project: { reference: record.project.reference, title: record.project.title, status: record.project.status, bidDeadlineAt: record.project.bidDeadlineAt },
    openedAt: record.openedAt,
    trigger: record.trigger,
    bidCount: record.bidCount,
    bids: record.bids.map((b) => ({
      organisation: b.organisationName,
      priceMinor: b.priceMinor,
      currency: 'CNY',
      submittedAt: b.submittedAt,
      version: b.version,
      receiptSha256: b.receiptSha256,
      decrypted: b.decrypted,
    })),
  };
}

export function presentCheck(check: ReceiptCheck) {
  const bid =
    'bid' in check
      ? {
          organisationName: check.bid.organisationName,
          priceMinor: check.bid.priceMinor,
          submittedAt: check.bid.submittedAt,
          submittedAtText: formatSeconds(check.bid.submittedAt),
          version: check.bid.version,
        }
      : null;
  return { status: check.status, statusKey: `bidding.verify.status.${check.status}`, isVerified: check.status === 'verified', bid, version: 'version' in check ? check.version : null };
}
