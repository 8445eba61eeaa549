import { BadRequestException, Controller, Get, Param, Query, Render, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CatalogueService } from '../catalogue/catalogue.service';
import { LOCALE_COOKIE, isLocale } from '../i18n/i18n';
import { Public } from '../identity/access.decorators';

/** Only same-site paths are accepted as a redirect target. */
export function safeNext(next: unknown, fallback = '/'): string {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : fallback;
}

@ApiExcludeController()
@Controller()
@Public()
export class HomeController {
  constructor(private readonly catalogue: CatalogueService) {}

  @Get()
  @Render('home/index')
  async home() {
    const categories = await this.catalogue.listCategories();
    return { titleKey: 'home.title', categories, itemTotal: categories.reduce((s, c) => s + c.itemCount, 0) };
  }

  /** Language switch: remembers the choice for a year and returns to the page. */
  @Get('locale/:lang')
  switchLocale(@Param('lang') lang: string, @Query('next') next: string | undefined, @Res() res: Response) {
    if (!isLocale(lang)) throw new BadRequestException('Unsupported language');
    res.cookie(LOCALE_COOKIE, lang, { maxAge: 365 * 24 * 3600 * 1000, sameSite: 'lax', httpOnly: false, path: '/' });
    res.redirect(303, safeNext(next));
  }
}
