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
      answer: { status: 'dismissed', outcome: null, answer: '经复核，评分符合招标文件第三章规定。' },
      problems: [],
    });
  });

  it('upholds only with an outcome', () => {
    expect(checkAnswer({ decision: 'uphold', outcome: '', answer: '质疑成立，评分存在计算错误。' }).problems).toEqual([{ field: 'outcome', key: 'choose' }]);
    expect(checkAnswer({ decision: 'uphold', outcome: 'rerun_evaluation', answer: '质疑成立，评分存在计算错误。' }).answer).toEqual({
      status: 'upheld',
      outcome: 'rerun_evaluation',
      answer: '质疑成立，评分存在计算错误。',
    });
  });

  it('refuses an unknown decision and a short answer together', () => {
    expect(checkAnswer({ decision: 'maybe', answer: '好' }).problems.map((p) => p.field)).toEqual(['decision', 'answer']);
  });

  it('re-running the evaluation supersedes award and round; cancelling ends the award only', () => {
    expect(upheldEffect('rerun_evaluation')).toEqual({ awardStatus: 'superseded', supersedesEvaluation: true, projectStatus: 'evaluation' });
    expect(upheldEffect('cancel_award')).toEqual({ awardStatus: 'cancelled', supersedesEvaluation: false, projectStatus: 'evaluation' });
  });
});
