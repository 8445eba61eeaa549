import { ValidationFailedError, FieldErrors } from '../../common/errors/domain.error';
import { fieldMessage } from '../../common/http/validation';
import { formatMinor, parseYuanToMinor } from '../../common/money/money';

/**
 * What a sealed bid says, as pure data. The canonical JSON of a BidContent is the plaintext that
 * is encrypted and whose sha256 is the receipt; it names its project, bid and version, so a
 * decrypted content that does not match its row is detected at the opening.
 */
export const BID_CONTENT_FORMAT = 'marketplace/sealed-bid/1';

export const LIMITS = {
  proposalMin: 20,
  proposalMax: 50_000,
  teamMax: 20,
  nameMax: 50,
  roleMax: 50,
  qualificationsMax: 300,
  planMax: 2_000,
  signerMax: 50,
  attachmentsMax: 5,
} as const;

export interface TeamMember {
  name: string;
  role: string;
  qualifications: string;
}

export interface DeliveryPlanEntry {
  milestone: number;
  milestoneName: string;
  plan: string;
}

export interface BidAttachment {
  documentId: string;
  name: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
}

export interface BidContent {
  format: typeof BID_CONTENT_FORMAT;
  projectId: string;
  organisationId: string;
  bidId: string;
  version: number;
  priceMinor: number;
  currency: string;
  proposal: string;
  team: TeamMember[];
  deliveryPlan: DeliveryPlanEntry[];
  attachments: BidAttachment[];
  declaration: { accepted: true; text: string; signerName: string };
  /** 16 random bytes (base64): the receipt hash cannot be confirmed by guessing the rest. */
  nonce: string;
}

/** As typed in the form or sent to the API (already shape-checked by the DTO). */
export interface BidInput {
  price: string;
  proposal: string;
  team: Array<Partial<TeamMember>>;
  deliveryPlan: Array<{ milestone: number; plan: string }>;
  declarationAccepted: boolean;
  declarationSigner: string;
}

export interface BidContext {
  project: { id: string; budgetCeilingMinor: number; currency: string; milestones: Array<{ position: number; name: string }> };
  organisationId: string;
  bidId: string;
  version: number;
  attachments: BidAttachment[];
  declarationText: string;
  nonce: string;
}

/**
 * Text as it will be sealed: CRLF → LF, control characters (other than tab and newline) removed,
 * lone surrogates replaced, outer whitespace trimmed. Whatever is sealed survives PostgreSQL's
 * jsonb unchanged, so the receipt can be recomputed from the opening record.
 */
export function cleanText(value: unknown): string {
  if (typeof value !== 'string') return '';
  return (
    value
      .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
      .replace(/\r\n?/g, '\n')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
      .trim()
  );
}

/** Checks the input against the project and builds the content to seal; field errors name form fields. */
export function buildBidContent(input: BidInput, ctx: BidContext): BidContent {
  const fields: FieldErrors = {};
  const add = (field: string, key: string, params: Record<string, unknown> = {}) => (fields[field] ??= []).push(fieldMessage(key, params));

  const priceMinor = parseYuanToMinor(String(input.price ?? ''));
  if (priceMinor === null) add('price', 'validation.bidPriceFormat');
  else if (priceMinor <= 0) add('price', 'validation.bidPricePositive');
  else if (priceMinor > ctx.project.budgetCeilingMinor) {
    add('price', 'validation.bidPriceAboveCeiling', { ceiling: formatMinor(ctx.project.budgetCeilingMinor) });
  }

  const proposal = cleanText(input.proposal);
  if (proposal.length < LIMITS.proposalMin) add('proposal', 'validation.bidProposalTooShort', { min: LIMITS.proposalMin });
  if (proposal.length > LIMITS.proposalMax) add('proposal', 'validation.bidProposalTooLong', { max: LIMITS.proposalMax });

  const team: TeamMember[] = (input.team ?? [])
    .map((m) => ({ name: cleanText(m?.name), role: cleanText(m?.role), qualifications: cleanText(m?.qualifications) }))
    .filter((m) => m.name || m.role || m.qualifications);
  if (team.length === 0) add('team', 'validation.bidTeamRequired');
  if (team.length > LIMITS.teamMax) add('team', 'validation.bidTeamTooLarge', { max: LIMITS.teamMax });
  team.forEach((m, i) => {
    if (!m.name || m.name.length > LIMITS.nameMax) add(`team.${i}.name`, 'validation.bidTeamName', { max: LIMITS.nameMax });
    if (!m.role || m.role.length > LIMITS.roleMax) add(`team.${i}.role`, 'validation.bidTeamRole', { max: LIMITS.roleMax });
    if (m.qualifications.length > LIMITS.qualificationsMax) add(`team.${i}.qualifications`, 'validation.bidTeamQualifications', { max: LIMITS.qualificationsMax });
  });

  const byMilestone = new Map<number, string>();
  for (const entry of input.deliveryPlan ?? []) {
    const position = Number(entry?.milestone);
    if (!ctx.project.milestones.some((m) => m.position === position)) add('deliveryPlan', 'validation.bidPlanUnknownMilestone', { milestone: entry?.milestone });
    else byMilestone.set(position, cleanText(entry?.plan));
  }
  const deliveryPlan: DeliveryPlanEntry[] = ctx.project.milestones.map((m) => ({ milestone: m.position, milestoneName: m.name, plan: byMilestone.get(m.position) ?? '' }));
  deliveryPlan.forEach((entry) => {
    if (!entry.plan) add(`deliveryPlan.${entry.milestone}`, 'validation.bidPlanRequired', { milestone: entry.milestoneName });
    else if (entry.plan.length > LIMITS.planMax) add(`deliveryPlan.${entry.milestone}`, 'validation.bidPlanTooLong', { max: LIMITS.planMax });
  });

  if (ctx.attachments.length > LIMITS.attachmentsMax) add('attachments', 'validation.bidTooManyAttachments', { max: LIMITS.attachmentsMax });

  const signerName = cleanText(input.declarationSigner);
  if (input.declarationAccepted !== true) add('declarationAccepted', 'validation.bidDeclarationRequired');
  if (!signerName || signerName.length > LIMITS.signerMax) add('declarationSigner', 'validation.bidDeclarationSigner', { max: LIMITS.signerMax });

  if (Object.keys(fields).length) throw new ValidationFailedError(fields, 'The bid is incomplete or invalid', 'BIDDING.INVALID_BID');

  return {
    format: BID_CONTENT_FORMAT,
    projectId: ctx.project.id,
    organisationId: ctx.organisationId,
    bidId: ctx.bidId,
    version: ctx.version,
    priceMinor: priceMinor!,
    currency: ctx.project.currency,
    proposal,
    team,
    deliveryPlan,
    attachments: ctx.attachments.map((a) => ({ documentId: a.documentId, name: a.name, contentType: a.contentType, sizeBytes: a.sizeBytes, sha256: a.sha256 })),
    declaration: { accepted: true, text: ctx.declarationText, signerName },
    nonce: ctx.nonce,
  };
}

/**
 * Reads decrypted text back into a BidContent and checks it belongs where it was found.
 * Returns the problem instead of throwing: the opening records undecryptable bids, it does not stop.
 */
export function parseBidContent(text: string, expected: { projectId: string; bidId: string; version: number }): { content: BidContent } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: 'content is not JSON' };
  }
  const c = value as Partial<BidContent>;
  if (!c || typeof c !== 'object' || c.format !== BID_CONTENT_FORMAT) return { problem: 'unknown content format' };
  if (c.projectId !== expected.projectId || c.bidId !== expected.bidId || c.version !== expected.version) {
    return { problem: 'content belongs to another project, bid or version' };
  }
  if (!Number.isSafeInteger(c.priceMinor) || (c.priceMinor as number) <= 0) return { problem: 'content has no valid price' };
  return { content: c as BidContent };
}

/** Bidding is open: the project is published and the database clock is before its deadline. */
export function isBiddingOpen(project: { status: string; bidDeadlineAt: Date | null }, now: Date): boolean {
  return project.status === 'published' && project.bidDeadlineAt !== null && now.getTime() < project.bidDeadlineAt.getTime();
}

/** The project may be opened: still published, and the deadline has passed (database clock). */
export function isDueForOpening(project: { status: string; bidDeadlineAt: Date | null }, now: Date): boolean {
  return project.status === 'published' && project.bidDeadlineAt !== null && now.getTime() >= project.bidDeadlineAt.getTime();
}

/** A proposal for display: paragraphs (split on blank lines) of lines; rendered escaped, never as HTML. */
export function proposalParagraphs(text: string): string[][] {
  return cleanText(text)
    .split(/\n\s*\n/)
    .map((p) => p.split('\n').map((line) => line.trimEnd()))
    .filter((p) => p.some((line) => line.length > 0));
}
