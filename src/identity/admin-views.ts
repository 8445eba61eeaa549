import * as fs from 'node:fs';
import * as path from 'node:path';
import hbs from 'hbs';
import { VIEWS_DIR } from '../app.setup';

/**
 * app.setup registers the shared partials of views/partials/. A module's own partials (its
 * dashboard widget, pieces shared by its pages) live in views/<module>/partials/ and are
 * registered by the module when it starts, as `<module>/<name>`.
 */
export function registerModulePartials(module: string): void {
  const dir = path.join(VIEWS_DIR, module, 'partials');
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.hbs'))) {
    hbs.registerPartial(`${module}/${file.slice(0, -4)}`, fs.readFileSync(path.join(dir, file), 'utf8'));
  }
}
