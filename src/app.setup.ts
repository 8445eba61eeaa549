import * as fs from 'node:fs';
import * as path from 'node:path';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import compression from 'compression';
import cookieParser from 'cookie-parser';
import { json, raw, urlencoded } from 'express';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import hbs from 'hbs';
import type { Logger } from 'pino';
import { verifyJsonDepth } from './common/http/hostile-input';
import { requestContext } from './common/http/request-context.middleware';
import { PUBLIC_DIR, VIEWS_DIR, registerPartials } from './common/views/partials';
import { viewHelpers } from './common/views/view-helpers';
import { AppConfig } from './config/app.config';
import { configureSessions } from './identity/session.setup';
import { OrganisationsService } from './organisations/organisations.service';

let helpersRegistered = false;

/** Express-level setup shared by main.ts and the tests, so both serve the same app. */
export function configureApp(app: NestExpressApplication, config: AppConfig, logger: Logger): void {
  app.disable('x-powered-by');
  app.set('trust proxy', process.env.TRUST_PROXY === '1' ? 1 : false);
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          styleSrc: ["'self'"],
          scriptSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          upgradeInsecureRequests: config.env === 'production' ? [] : null,
        },
      },
      hsts: config.env === 'production',
    }),
  );
  app.use(compression());
  app.use(cookieParser());
  app.use(requestContext(logger));
  // Stripe signs the exact bytes it sends: its webhook keeps the raw body (a Buffer); the JSON parser then skips it.
  app.use('/webhooks/stripe', raw({ type: () => true, limit: '1mb' }));
  // Nesting is bounded at the edge: JSON by a scan before parsing, forms by body-parser (depth 32, deeper is a 400).
  // (express's parsers directly: Nest's useBodyParser withholds `verify`, keeping it for its rawBody option.)
  app.use(json({ limit: '1mb', verify: verifyJsonDepth }));
  app.use(urlencoded({ extended: true, limit: '1mb' })); // body-parser 2: depth 32, strictly (deeper is a 400)
  app.useStaticAssets(PUBLIC_DIR, { prefix: '/assets/', maxAge: config.env === 'production' ? '1d' : 0 });
  // Browsers and bookmark tools ask for /favicon.ico whatever the page links: answer it from public/.
  app.use('/favicon.ico', (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    res.setHeader('Cache-Control', config.env === 'production' ? 'public, max-age=86400' : 'no-cache');
    res.type('image/x-icon').sendFile(path.join(PUBLIC_DIR, 'favicon.ico'));
  });
  configureSessions(app, config);
  // What a signed-in person sees (pages, exports, JSON) is theirs: no shared or browser cache keeps it.
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.user) res.setHeader('Cache-Control', 'no-store');
    next();
  });
  // An organisation's navigation offers the bidding, delivery and money pages once it is approved
  // (a draft or returned one has its organisation page, notices and inbox). Suspension stops bidding
  // only (暂停投标资格): a suspended organisation still delivers and is paid for its contracts, and
  // its project pages say why it may not bid.
  const organisations = app.get(OrganisationsService);
  app.use((req: Request, res: Response, next: NextFunction) => {
    const organisationId = (req.user as { organisationId?: string | null } | undefined)?.organisationId;
    if (!organisationId) return next();
    organisations
      .getFacts(organisationId)
      .then((facts) => {
        res.locals.organisationApproved = facts?.status === 'approved' || facts?.status === 'suspended';
        next();
      })
      .catch(next);
  });
  app.setBaseViewsDir(VIEWS_DIR);
  app.setViewEngine('hbs');
  app.set('view options', { layout: 'layouts/main' });
  if (!helpersRegistered) {
    registerPartials(path.join(VIEWS_DIR, 'partials'));
    // A module's own partials live in views/<module>/partials and are named "<module>/<partial>".
    for (const entry of fs.readdirSync(VIEWS_DIR, { withFileTypes: true })) {
      const dir = path.join(VIEWS_DIR, entry.name, 'partials');
      if (entry.isDirectory() && entry.name !== 'partials' && fs.existsSync(dir)) registerPartials(dir, `${entry.name}/`);
    }
    for (const [name, helper] of Object.entries(viewHelpers())) hbs.registerHelper(name, helper);
    helpersRegistered = true;
  }
  // The API description is served only where it is wanted (API_DOCS=true): it maps the surface for anyone who asks.
  // The footer links to it only then (a link to a 404 on every page otherwise).
  app.setLocal('apiDocs', config.apiDocs);
  if (!config.apiDocs) return;
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Community services marketplace API')
      .setDescription('Purchase of community public services from social organisations. Money is in fen (integer minor units).')
      .setVersion('1')
      .build(),
    { include: [] },
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/openapi.json' });
}
