import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Issue 10, "English mode is English": punctuation written into a template shows in both
 * languages, so a Chinese colon or bracket hard-coded beside {{t ...}} appeared on English pages.
 * Templates take it from the dictionaries (app.punct.*). The Chinese contract text is Chinese by
 * design (its English version has its own template).
 */
const VIEWS = path.join(__dirname, '..', '..', 'views');
const CHINESE_BY_DESIGN = [path.join('contracts', 'text', 'contract.zh-CN.hbs')];
const FULL_WIDTH = /[：（）、，；。！？【】《》]/;

function templates(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? templates(path.join(dir, e.name)) : e.name.endsWith('.hbs') ? [path.join(dir, e.name)] : []));
}

describe('templates', () => {
  it('write no full-width punctuation of their own: it comes from the translations', () => {
    const found: string[] = [];
    for (const file of templates(VIEWS)) {
      if (CHINESE_BY_DESIGN.includes(path.relative(VIEWS, file))) continue;
      const lines = fs
        .readFileSync(file, 'utf8')
        .replace(/\{\{!--[\s\S]*?--\}\}|\{\{![\s\S]*?\}\}/g, (c) => c.replace(/[^\n]/g, ' '))
        .split('\n');
      lines.forEach((line, i) => {
        if (FULL_WIDTH.test(line)) found.push(`${path.relative(VIEWS, file)}:${i + 1}: ${line.trim().slice(0, 120)}`);
      });
    }
    expect(found).toEqual([]);
  });

  it('finds hard-coded punctuation when there is some (the check can fail)', () => {
    expect(FULL_WIDTH.test('<p>{{t "serviceEvaluation.body.deliverables"}}：{{milestone.deliverables}}</p>')).toBe(true);
  });
});
