import * as fs from 'node:fs';
import * as path from 'node:path';
import hbs from 'hbs';

export const ROOT_DIR = path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? '../../../..' : '../../..');
export const VIEWS_DIR = path.join(ROOT_DIR, 'views');
export const PUBLIC_DIR = path.join(ROOT_DIR, 'public');

/** Registers the `.hbs` files under `dir` as partials, synchronously (hbs's own registerPartials is asynchronous). */
export function registerPartials(dir: string, prefix = ''): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) registerPartials(full, `${prefix}${entry.name}/`);
    else if (entry.name.endsWith('.hbs')) hbs.registerPartial(`${prefix}${entry.name.slice(0, -4)}`, fs.readFileSync(full, 'utf8'));
  }
}

/**
 * app.setup registers the shared partials of views/partials/. A module's own partials (its
 * dashboard widget, pieces shared by its pages) live in views/<module>/partials/ and are
 * registered by the module when it starts, as `<module>/<name>`.
 */
export function registerModulePartials(module: string): void {
  registerPartials(path.join(VIEWS_DIR, module, 'partials'), `${module}/`);
}
