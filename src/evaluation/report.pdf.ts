import { formatMinor } from '../common/money/money';
import { PdfWriter } from '../common/pdf/pdf-writer';
import { Locale } from '../i18n/i18n';
import type { ReportModel } from './report.presenter';

/** The evaluation report as a PDF: the same model as the HTML page, through the shared PdfWriter. */
const money = (minor: number | null | undefined) => (minor === null || minor === undefined ? '—' : formatMinor(minor));

/** Renders the report model to PDF bytes. */
export async function renderReportPdf(model: ReportModel & { signedCount: number; sittingCount: number }, locale: Locale, generatedAt: Date): Promise<Buffer> {
  const w = new PdfWriter(locale, `${model.project.reference} ${model.project.title}`);
  const t = (key: string, params: Record<string, unknown> = {}) => w.t(key, params);
  const bidLabel = (b: { letter: string; organisationName: string | null }) =>
    b.organisationName ? `${t('evaluation.bidder', { letter: b.letter })} · ${b.organisationName}` : t('evaluation.bidder', { letter: b.letter });

  w.title(t('evaluation.report.title'));
  w.paragraph(`${model.project.reference} · ${model.project.title}`);
  w.paragraph(t('evaluation.pdf.generated', { at: w.date(generatedAt) }), { muted: true, size: 8.5 });

  w.heading(t('evaluation.report.projectSection'));
  w.facts([
    [t('evaluation.fields.purchaser'), model.project.purchaserName],
    [t('evaluation.fields.method'), t(model.project.methodKey)],
    [t('evaluation.fields.ceiling'), money(model.project.budgetCeilingMinor)],
    [t('evaluation.fields.scoring'), t(model.evaluation.scoringKey)],
    [t('evaluation.fields.round'), String(model.evaluation.round)],
    [t('evaluation.fields.status'), t(model.evaluation.statusKey)],
    [t('evaluation.fields.committeeSize'), String(model.evaluation.committeeSize)],
    ...(model.evaluation.isTechnical
      ? ([
          [t('evaluation.fields.priceWeight'), String(model.evaluation.priceWeight)],
          [t('evaluation.fields.criteria'), model.project.criteria.map((c) => `${c.position}. ${c.name}（${c.weight}）`).join('\n')],
        ] as Array<[string, string]>)
      : []),
    [t('evaluation.fields.signedOffAt'), w.date(model.evaluation.signedOffAt)],
  ]);

  w.heading(t('evaluation.report.ruleSection'));
  w.paragraph(t(model.evaluation.isTechnical ? 'evaluation.report.formulaComprehensive' : 'evaluation.report.formulaLowestPrice'));
  w.paragraph(t('evaluation.report.roundingRule'));
  w.paragraph(t('evaluation.report.flagRules'));

  w.heading(t('evaluation.report.rankingSection'));
  if (!model.scoresShared) w.paragraph(t('evaluation.report.scoresHidden'), { muted: true });
  else {
    w.table(
      [
        { header: t('evaluation.fields.rank'), width: 6, align: 'center' },
        { header: t('evaluation.fields.bidder'), width: 26 },
        { header: t('evaluation.fields.price'), width: 13, align: 'right' },
        { header: t('evaluation.fields.priceScore'), width: 10, align: 'right' },
        { header: t('evaluation.fields.technicalScore'), width: 10, align: 'right' },
        { header: t('evaluation.fields.totalScore'), width: 10, align: 'right' },
        { header: t('evaluation.fields.exactTotal'), width: 13 },
        { header: t('evaluation.fields.tieNote'), width: 14 },
      ],
      model.ranking.map((r) => [String(r.rank), bidLabel(r), money(r.priceMinor), r.priceScore, r.technicalScore, r.totalScore, r.totalScoreExact, r.tieNoteKey ? t(r.tieNoteKey) : '']),
    );
    w.paragraph(t(model.resultsStored ? 'evaluation.report.resultsStored' : 'evaluation.report.resultsProvisional'), { muted: true, size: 8.5 });
  }

  w.heading(t('evaluation.report.qualificationSection'));
  w.table(
    [
      { header: t('evaluation.fields.bidder'), width: 26 },
      { header: t('evaluation.fields.price'), width: 12, align: 'right' },
      { header: t('evaluation.fields.decision'), width: 10 },
      { header: t('evaluation.fields.reason'), width: 30 },
      { header: t('evaluation.fields.decidedBy'), width: 22 },
    ],
    model.bids.map((b) => [
      bidLabel(b),
      money(b.priceMinor),
      b.qualification ? t(b.qualification.isValid ? 'evaluation.qualificationStates.valid' : 'evaluation.qualificationStates.invalid') : t('evaluation.qualificationStates.pending'),
      b.qualification && b.qualification.reasonKey ? `${t(b.qualification.reasonKey)}${b.qualification.reason ? `：${b.qualification.reason}` : ''}` : '',
      b.qualification ? `${b.qualification.decidedByName} ${w.date(b.qualification.decidedAt)}` : '',
    ]),
  );

  const inquiries = model.bids.filter((b) => b.inquiry);
  if (inquiries.length) {
    w.subheading(t('evaluation.report.lowPriceSection'));
    w.table(
      [
        { header: t('evaluation.fields.bidder'), width: 20 },
        { header: t('evaluation.fields.threshold'), width: 24 },
        { header: t('evaluation.fields.explanation'), width: 30 },
        { header: t('evaluation.fields.decision'), width: 26 },
      ],
      inquiries.map((b) => {
        const i = b.inquiry!;
        return [
          bidLabel(b),
          t('evaluation.inquiry.thresholdText', { price: money(i.priceMinor), mean: money(i.meanMinor), threshold: money(i.thresholdMinor), count: i.validBids, percent: i.thresholdPercent }),
          i.explanation ?? t('evaluation.inquiry.noExplanation'),
          i.isDecided
            ? `${t(i.accepted ? 'evaluation.inquiry.accepted' : 'evaluation.inquiry.rejected')}${i.decisionNote ? `：${i.decisionNote}` : ''}（${i.decidedByName ?? ''} ${w.date(i.decidedAt)}）`
            : t('evaluation.inquiry.undecided'),
        ];
      }),
    );
  }

  if (model.scoresShared && model.evaluation.isTechnical) {
    w.heading(t('evaluation.report.sheetsSection'));
    for (const sheet of model.sheets) {
      w.subheading(t('evaluation.report.sheetOf', { name: sheet.memberName }));
      w.table(
        [
          { header: t('evaluation.fields.bidder'), width: 34 },
          ...model.project.criteria.map((c) => ({ header: `${c.name}（${c.weight}）`, width: 52 / Math.max(1, model.project.criteria.length), align: 'right' as const })),
          { header: t('evaluation.fields.technicalTotal'), width: 14, align: 'right' },
        ],
        sheet.bids.map((b) => [bidLabel(b), ...b.lines.map((l) => l.points), b.total]),
      );
      const comments = sheet.bids.flatMap((b) => b.lines.filter((l) => l.comment).map((l) => `${t('evaluation.bidder', { letter: b.letter })} · ${l.name}：${l.comment}`));
      if (comments.length) w.paragraph(comments.join('\n'), { muted: true, size: 8.5 });
    }
    w.subheading(t('evaluation.report.flagsSection'));
    if (!model.flags.length) w.paragraph(t('evaluation.report.noFlags'), { muted: true });
    else {
      w.table(
        [
          { header: t('evaluation.fields.bidder'), width: 22 },
          { header: t('evaluation.fields.member'), width: 16 },
          { header: t('evaluation.fields.deviation'), width: 12, align: 'right' },
          { header: t('evaluation.fields.resolution'), width: 14 },
          { header: t('evaluation.fields.note'), width: 36 },
        ],
        model.flags.map((f) => [bidLabel(f), f.memberName, f.deviation, t(f.resolutionKey), `${f.note ?? ''}${f.resolvedByName ? `（${f.resolvedByName} ${w.date(f.resolvedAt)}）` : ''}`]),
      );
    }
  }

  w.heading(t('evaluation.report.committeeSection'));
  w.table(
    [
      { header: t('evaluation.fields.member'), width: 16 },
      { header: t('evaluation.fields.role'), width: 14 },
      { header: t('evaluation.fields.declaration'), width: 36 },
      { header: t('evaluation.fields.submittedAt'), width: 16 },
      { header: t('evaluation.fields.signedOffAt'), width: 18 },
    ],
    model.members.map((m) => [
      `${m.name}${m.isChair ? `（${t('evaluation.chair')}）` : ''}`,
      t(m.roleKey),
      m.status === 'recused'
        ? `${t('evaluation.memberStatuses.recused')}：${m.recusalReason ?? ''}`
        : m.declaredAt
          ? `${w.date(m.declaredAt)}\nsha256 ${m.declarationSha256}`
          : t('evaluation.memberStatuses.drawn'),
      w.date(m.submittedAt),
      w.date(m.signedOffAt),
    ]),
  );
  w.paragraph(t('evaluation.report.signedCount', { signed: model.signedCount, total: model.sittingCount }), { muted: true });

  w.heading(t('evaluation.report.drawSection'));
  for (const d of model.draws) {
    w.subheading(`${t('evaluation.draws.drawNumber', { number: d.number })} · ${t(d.kindKey)}`);
    w.facts([
      [t('evaluation.draws.algorithm'), d.algorithm],
      [t('evaluation.draws.seed'), d.seed],
      [t('evaluation.draws.drawnAt'), `${w.date(d.drawnAt)} · ${d.drawnByName}`],
      [t('evaluation.draws.pool', { count: d.poolSize }), d.pool.map((p) => p.name).join('、')],
      [
        t('evaluation.draws.excluded'),
        d.excluded.length
          ? d.excluded
              .map(
                (e) => `${e.name}：${t(e.reasonKey)}${e.conflicts.map((c) => `（${c.organisationName} · ${t(c.kindKey)} · ${c.startedOn}–${c.endedOn ?? t('evaluation.draws.ongoing')}）`).join('')}`,
              )
              .join('\n')
          : '—',
      ],
      [t('evaluation.draws.wanted'), String(d.wanted)],
      [t('evaluation.draws.result'), d.result.map((r) => `${r.position}. ${r.name}`).join('\n')],
      [t('evaluation.draws.check'), d.matches ? t('evaluation.draws.matches') : t(d.problemKey ?? 'evaluation.draws.mismatch')],
    ]);
  }
  w.paragraph(t('evaluation.draws.algorithmText'), { muted: true, size: 8 });

  w.footer(`${model.project.reference} · ${t('evaluation.report.title')}`, (page, pages) => t('evaluation.pdf.page', { page, pages }));
  return w.end();
}
