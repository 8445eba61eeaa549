import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * UI strings live in ./locales/<locale>/<module>.json (nested objects, dotted keys). Files are
 * merged, so a module may add keys under a shared namespace (e.g. `validation`) in its own file;
 * a key defined twice is an error at start-up. Templates call
 * `{{t "catalogue.title"}}`; code calls `translate(locale, key, params)`. zh-CN is the default.
 */
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'zh-CN';
export const LOCALE_COOKIE = 'lang';

type Tree = { [key: string]: string | Tree };
export const LOCALES_DIR = path.join(__dirname, 'locales');

function loadLocale(locale: Locale): Map<string, string> {
  const dir = path.join(LOCALES_DIR, locale);
  const merged = new Map<string, string>();
  for (const file of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const tree = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Tree;
    for (const [key, value] of flatten(tree)) {
      if (merged.has(key)) throw new Error(`i18n: "${key}" is defined twice (${locale}/${file})`);
      merged.set(key, value);
    }
  }
  return merged;
}

const DICTIONARIES: Record<Locale, Map<string, string>> = { 'zh-CN': loadLocale('zh-CN'), en: loadLocale('en') };

function flatten(tree: Tree, prefix = '', into = new Map<string, string>()): Map<string, string> {
  for (const [key, value] of Object.entries(tree)) {
    const full = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') into.set(full, value);
    else flatten(value, full, into);
  }
  return into;
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

export function hasTranslation(key: string, locale: Locale = DEFAULT_LOCALE): boolean {
  return DICTIONARIES[locale].has(key);
}

/** Looks a key up in `locale`, then zh-CN, else returns the key itself (visible, so tests catch it). */
export function translate(locale: Locale, key: string, params: Record<string, unknown> = {}): string {
  const template = DICTIONARIES[locale].get(key) ?? DICTIONARIES[DEFAULT_LOCALE].get(key) ?? key;
  return template.replace(/\{(\w+)\}/g, (match, name: string) => (name in params ? String(params[name]) : match));
}

export function dictionaryKeys(locale: Locale): string[] {
  return [...DICTIONARIES[locale].keys()];
}

/** Picks the locale for an API request from Accept-Language (API default: English). */
export function localeFromAcceptLanguage(header: string | undefined, fallback: Locale): Locale {
  if (!header) return fallback;
  const first = header.split(',')[0]?.trim().toLowerCase() ?? '';
  if (first.startsWith('zh')) return 'zh-CN';
  if (first.startsWith('en')) return 'en';
  return fallback;
}
