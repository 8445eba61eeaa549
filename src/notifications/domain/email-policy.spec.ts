import { isDeliverableAddress, isEssentialKind, mailBackoffSeconds, renderEmail, shouldEmail } from './email-policy';

describe('email policy', () => {
  it('always emails account security, contracts to confirm and money', () => {
    for (const kind of [
      'account.password_changed',
      'contract.to_confirm',
      'contract.settled',
      'disbursement.paid',
      'disbursement.failed',
      'disbursement.proposed',
      'payout.failed',
      'reconciliation.issue',
    ]) {
      expect(isEssentialKind(kind)).toBe(true);
      expect(shouldEmail(kind, false)).toBe(true);
    }
  });

  it('lets a person turn off everything else', () => {
    for (const kind of ['organisation.approved', 'award.not_won', 'project.amended', 'project.bids_opened', 'challenge.answered', 'contract.activated']) {
      expect(isEssentialKind(kind)).toBe(false);
      expect(shouldEmail(kind, false)).toBe(false);
      expect(shouldEmail(kind, true)).toBe(true);
    }
  });

  it('doubles the back-off from the base and caps it at an hour', () => {
    expect([1, 2, 3, 4].map((n) => mailBackoffSeconds(n, 60))).toEqual([60, 120, 240, 480]);
    expect(mailBackoffSeconds(7, 60)).toBe(3600);
    expect(mailBackoffSeconds(50, 60)).toBe(3600);
    expect(mailBackoffSeconds(0, 60)).toBe(0);
  });

  it('refuses addresses that could inject headers or name several recipients', () => {
    expect(isDeliverableAddress('a@b.example')).toBe(true);
    expect(isDeliverableAddress('a@b.example\nBcc: x@y.example')).toBe(false);
    expect(isDeliverableAddress('a@b.example, c@d.example')).toBe(false);
    expect(isDeliverableAddress('nobody')).toBe(false);
  });

  it('renders subject and body in the recipient’s language with the public link', () => {
    const common = { displayName: '乐龄', titleKey: 'notifications.unread', params: { count: 3 }, link: '/inbox', publicUrl: 'https://mkt.example', isEssential: false };
    const zh = renderEmail({ ...common, locale: 'zh-CN' });
    expect(zh.subject).toBe('【社区公共服务购买平台】3 条未读');
    expect(zh.text).toContain('乐龄，您好');
    expect(zh.text).toContain('https://mkt.example/inbox');
    expect(zh.text).toContain('https://mkt.example/account/notifications');
    const en = renderEmail({ ...common, locale: 'en', isEssential: true });
    expect(en.subject).toBe('[Community Services Marketplace] 3 unread');
    expect(en.text).toContain('Dear 乐龄,');
    expect(en.text).toContain('always sent');
    expect(en.text).not.toContain('/account/notifications');
  });
});
