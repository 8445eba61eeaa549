/**
 * Just enough HTML reading for tests that follow links like a person: the anchors a page shows,
 * with their text, and the text of an element. Handlebars escapes attribute values, so entities
 * are decoded before a link is followed.
 */
export interface PageLink {
  href: string;
  text: string;
  attributes: Record<string, string>;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') return String.fromCodePoint(name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10));
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

function attributesOf(tag: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const m of tag.matchAll(/([:\w-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g)) {
    attributes[m[1].toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return attributes;
}

/** Visible text: tags dropped, entities decoded, whitespace collapsed. */
export function textOf(html: string): string {
  return decodeEntities(html.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/gi, ' ').replace(/<[^>]+>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}

/** Every `<a href>` of the page, in document order. */
export function linksOf(html: string): PageLink[] {
  const links: PageLink[] = [];
  for (const m of html.matchAll(/<a\b([^>]*)>([\s\S]*?)<\/a>/gi)) {
    const attributes = attributesOf(m[1]);
    if (attributes.href === undefined) continue;
    links.push({ href: attributes.href, text: textOf(m[2]), attributes });
  }
  return links;
}

/** The first link whose data-testid (or else visible text) is `name`. */
export function findLink(html: string, name: string): PageLink | undefined {
  const links = linksOf(html);
  return links.find((l) => l.attributes['data-testid'] === name) ?? links.find((l) => l.text === name);
}

const VOID_ELEMENTS = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);

/**
 * The page with every element marked `lang="<lang>"` (and all it contains) removed: what an
 * English page shows outside the Chinese data it marks as such.
 */
export function withoutLanguage(html: string, lang: string): string {
  const marked = new RegExp(`\\slang="${lang.replace(/[-]/g, '\\-')}"`, 'i');
  const tags = /<(\/?)([a-zA-Z][\w-]*)\b([^>]*)>/g;
  let out = '';
  let from = 0;
  let depth = 0;
  for (const m of html.matchAll(tags)) {
    const [whole, close, name, attributes] = m;
    if (depth === 0) out += html.slice(from, m.index);
    from = m.index! + whole.length;
    const isVoid = VOID_ELEMENTS.has(name.toLowerCase()) || attributes.endsWith('/');
    if (depth > 0) {
      if (close) depth -= 1;
      else if (!isVoid) depth += 1;
      continue;
    }
    if (!close && !isVoid && marked.test(attributes)) {
      depth = 1;
      out += ' ';
      continue;
    }
    out += whole;
  }
  if (depth === 0) out += html.slice(from);
  return out;
}

/** Scrolling table wrappers (.table-wrap) that are not a focusable region with a label (aria-label, or aria-labelledby naming an element of the page). */
export function unlabelledScrollRegions(html: string): string[] {
  const problems: string[] = [];
  for (const m of html.matchAll(/<div\b[^>]*\bclass="[^"]*\btable-wrap\b[^"]*"[^>]*>/g)) {
    const tag = m[0];
    const labelledBy = /\saria-labelledby="([^"]+)"/.exec(tag)?.[1];
    const labelled = /\saria-label="[^"]*\S[^"]*"/.test(tag) || (labelledBy !== undefined && labelledBy.split(/\s+/).every((id) => html.includes(`id="${id}"`)));
    if (!/\stabindex="0"/.test(tag) || !/\srole="region"/.test(tag) || !labelled) problems.push(tag);
  }
  return problems;
}
