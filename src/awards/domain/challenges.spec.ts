import { checkAnswer, checkGrounds, upheldEffect } from './challenges';

describe('challenge texts', () => {
  it('needs grounds of 10 to 20 000 characters (Chinese characters count one each)', () => {
    expect(checkGrounds('评分有误')).toHaveLength(1);
    expect(checkGrounds('第三项评分标准与招标文件不一致，请复核。')).toEqual([]);
    expect(checkGrounds('字'.repeat(20_001))).toHaveLength(1);
  });
});

describe('answering a challenge', () => {
  it('dismisses with an answer, and keeps no outcome', () => {
    expect(checkAnswer({ decision: 'dismiss', outcome: 'cancel_award', answer: '经复核，评分符合招标文件第三章规定。' })).toEqual({
      answer: { status: 'dismissed', outcome: null, answer: '经复核，评分符合招标文件第三章规定。', faultedMemberIds: [] },
      problems: [],
    });
  });

  it('upholds only with an outcome', () => {
    expect(checkAnswer({ decision: 'uphold', outcome: '', answer: '质疑成立，评分存在计算错误。' }).problems).toEqual([{ field: 'outcome', key: 'choose' }]);
    expect(checkAnswer({ decision: 'uphold', outcome: 'rerun_evaluation', answer: '质疑成立，评分存在计算错误。' }).answer).toEqual({
      status: 'upheld',
      outcome: 'rerun_evaluation',
      answer: '质疑成立，评分存在计算错误。',
      faultedMemberIds: [],
    });
  });

  it('names the committee members found at fault only with a re-run (财政部令第87号 第六十七条)', () => {
    const a = '11111111-1111-4111-8111-111111111111';
    const b = '22222222-2222-4222-8222-222222222222';
    expect(checkAnswer({ decision: 'uphold', outcome: 'rerun_evaluation', answer: '质疑成立，评分存在计算错误。', faultedMemberIds: [a, b, a] }).answer?.faultedMemberIds).toEqual([a, b]);
    expect(checkAnswer({ decision: 'uphold', outcome: 'rerun_evaluation', answer: '质疑成立，评分存在计算错误。', faultedMemberIds: a }).answer?.faultedMemberIds).toEqual([a]);
    expect(checkAnswer({ decision: 'uphold', outcome: 'cancel_award', answer: '质疑成立，撤销成交结果。', faultedMemberIds: [a] }).problems).toEqual([{ field: 'faultedMemberIds', key: 'choose' }]);
    expect(checkAnswer({ decision: 'dismiss', answer: '经复核，评分符合规定。', faultedMemberIds: [a] }).problems).toEqual([{ field: 'faultedMemberIds', key: 'choose' }]);
  });

  it('refuses an unknown decision and a short answer together', () => {
    expect(checkAnswer({ decision: 'maybe', answer: '好' }).problems.map((p) => p.field)).toEqual(['decision', 'answer']);
  });

  it('re-running the evaluation supersedes award and round; cancelling ends the award only', () => {
    expect(upheldEffect('rerun_evaluation')).toEqual({ awardStatus: 'superseded', supersedesEvaluation: true, projectStatus: 'evaluation' });
    expect(upheldEffect('cancel_award')).toEqual({ awardStatus: 'cancelled', supersedesEvaluation: false, projectStatus: 'evaluation' });
  });
});
