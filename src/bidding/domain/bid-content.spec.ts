import { ValidationFailedError } from '../../common/errors/domain.error';
import { parseFieldMessage } from '../../common/http/validation';
import { canonicalJson } from '../sealing/sealing';
import { BID_CONTENT_FORMAT, BidInput, buildBidContent, cleanText, isBiddingOpen, isDueForOpening, parseBidContent, proposalParagraphs } from './bid-content';

const ctx = {
  project: {
    id: 'p1',
    budgetCeilingMinor: 20_000_000,
    currency: 'CNY',
    milestones: [
      { position: 1, name: '启动' },
      { position: 2, name: '结项' },
    ],
  },
  organisationId: 'o1',
  bidId: 'b1',
  version: 1,
  attachments: [],
  declarationText: '独立投标声明',
  nonce: 'bm9uY2Vub25jZW5vbmNlIQ==',
};

const input: BidInput = {
  price: '186,000.50',
  proposal: '  为独居老人提供每周两次上门探访服务，\r\n并建立健康档案。  ',
  team: [
    { name: '王芳', role: '项目主管', qualifications: '' },
    { name: '', role: '', qualifications: '' },
  ],
  deliveryPlan: [
    { milestone: 2, plan: '结项评估' },
    { milestone: 1, plan: '需求评估' },
  ],
  declarationAccepted: true,
  declarationSigner: '张伟',
};

function fieldKeys(fn: () => unknown): Record<string, string[]> {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof ValidationFailedError)) throw error;
    return Object.fromEntries(Object.entries(error.fields ?? {}).map(([k, v]) => [k, v.map((m) => parseFieldMessage(m)!.key)]));
  }
  throw new Error('expected a validation error');
}

describe('buildBidContent', () => {
  it('parses the price in yuan to fen, cleans the text, drops blank team rows and orders the plan by milestone', () => {
    const content = buildBidContent(input, ctx);
    expect(content).toEqual({
      format: BID_CONTENT_FORMAT,
      projectId: 'p1',
      organisationId: 'o1',
      bidId: 'b1',
      version: 1,
      priceMinor: 18_600_050,
      currency: 'CNY',
      proposal: '为独居老人提供每周两次上门探访服务，\n并建立健康档案。',
      team: [{ name: '王芳', role: '项目主管', qualifications: '' }],
      deliveryPlan: [
        { milestone: 1, milestoneName: '启动', plan: '需求评估' },
        { milestone: 2, milestoneName: '结项', plan: '结项评估' },
      ],
      attachments: [],
      declaration: { accepted: true, text: '独立投标声明', signerName: '张伟' },
      nonce: ctx.nonce,
    });
  });

  it('accepts a price equal to the ceiling and refuses one fen more', () => {
    expect(buildBidContent({ ...input, price: '200000' }, ctx).priceMinor).toBe(20_000_000);
    expect(fieldKeys(() => buildBidContent({ ...input, price: '200000.01' }, ctx))).toEqual({ price: ['validation.bidPriceAboveCeiling'] });
  });

  it('names every missing or wrong field', () => {
    expect(
      fieldKeys(() =>
        buildBidContent({ price: 'abc', proposal: '太短', team: [{ name: '王芳' }], deliveryPlan: [{ milestone: 9, plan: 'x' }], declarationAccepted: false, declarationSigner: ' ' }, ctx),
      ),
    ).toEqual({
      price: ['validation.bidPriceFormat'],
      proposal: ['validation.bidProposalTooShort'],
      'team.0.role': ['validation.bidTeamRole'],
      deliveryPlan: ['validation.bidPlanUnknownMilestone'],
      'deliveryPlan.1': ['validation.bidPlanRequired'],
      'deliveryPlan.2': ['validation.bidPlanRequired'],
      declarationAccepted: ['validation.bidDeclarationRequired'],
      declarationSigner: ['validation.bidDeclarationSigner'],
    });
    expect(fieldKeys(() => buildBidContent({ ...input, price: '0' }, ctx))).toEqual({ price: ['validation.bidPricePositive'] });
    expect(fieldKeys(() => buildBidContent({ ...input, team: [] }, ctx))).toEqual({ team: ['validation.bidTeamRequired'] });
  });

  it('gives content whose canonical JSON parses back to itself', () => {
    const content = buildBidContent(input, ctx);
    const text = canonicalJson(content);
    expect(parseBidContent(text, { projectId: 'p1', bidId: 'b1', version: 1 })).toEqual({ content });
  });
});

describe('parseBidContent', () => {
  const text = canonicalJson(buildBidContent(input, ctx));
  it('refuses content that belongs to another bid or version, or is not a bid', () => {
    expect(parseBidContent(text, { projectId: 'p1', bidId: 'b2', version: 1 })).toHaveProperty('problem');
    expect(parseBidContent(text, { projectId: 'p1', bidId: 'b1', version: 2 })).toHaveProperty('problem');
    expect(parseBidContent('{"format":"x"}', { projectId: 'p1', bidId: 'b1', version: 1 })).toEqual({ problem: 'unknown content format' });
    expect(parseBidContent('not json', { projectId: 'p1', bidId: 'b1', version: 1 })).toEqual({ problem: 'content is not JSON' });
  });
});

describe('cleanText', () => {
  it('keeps tabs and newlines, drops other control characters and replaces lone surrogates', () => {
    expect(cleanText('a\u0000b\tc\r\nd\u0007\ud800e')).toBe('ab\tc\nd\ufffde');
    expect(cleanText('😀')).toBe('😀');
    expect(cleanText(42)).toBe('');
  });
});

describe('the bid window (database clock)', () => {
  const deadline = new Date('2026-12-01T02:00:00Z');
  it('is open until the deadline, exclusive', () => {
    expect(isBiddingOpen({ status: 'published', bidDeadlineAt: deadline }, new Date(deadline.getTime() - 1))).toBe(true);
    expect(isBiddingOpen({ status: 'published', bidDeadlineAt: deadline }, deadline)).toBe(false);
    expect(isBiddingOpen({ status: 'cancelled', bidDeadlineAt: deadline }, new Date(0))).toBe(false);
  });
  it('is due for opening from the deadline, once, while still published', () => {
    expect(isDueForOpening({ status: 'published', bidDeadlineAt: deadline }, deadline)).toBe(true);
    expect(isDueForOpening({ status: 'published', bidDeadlineAt: deadline }, new Date(deadline.getTime() - 1))).toBe(false);
    expect(isDueForOpening({ status: 'opened', bidDeadlineAt: deadline }, new Date(deadline.getTime() + 1))).toBe(false);
  });
});

describe('proposalParagraphs', () => {
  it('splits paragraphs on blank lines and keeps line breaks; markup stays text', () => {
    expect(proposalParagraphs('第一段\n第二行\n\n\n<b>第二段</b>\n')).toEqual([['第一段', '第二行'], ['<b>第二段</b>']]);
  });
});
