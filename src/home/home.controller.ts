import { safeNext } from '../common/http/safe-next';
import { BadRequestException, Controller, Get, Param, Query, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CatalogueService } from '../catalogue/catalogue.service';
import { LOCALE_COOKIE, isLocale } from '../i18n/i18n';
import { Public } from '../identity/access.decorators';
import { IdentityService, SessionUser } from '../identity/identity.service';

@ApiExcludeController()
@Controller()
@Public()
export class HomeController {
  constructor(
    private readonly catalogue: CatalogueService,
    private readonly identity: IdentityService,
  ) {}

  @Get()
  @Render('home/index')
  async home() {
    const categories = await this.catalogue.listCategories();
    return { titleKey: 'home.title', categories, itemTotal: categories.reduce((s, c) => s + c.itemCount, 0) };
  }

  /**
   * Language switch: remembers the choice for a year and returns to the page; a signed-in user's
   * email is written in this language from now on.
   */
  @Get('locale/:lang')
  async switchLocale(@Param('lang') lang: string, @Query('next') next: string | undefined, @Req() req: Request, @Res() res: Response) {
    if (!isLocale(lang)) throw new BadRequestException('Unsupported language');
    const user = req.user as SessionUser | undefined;
    if (user) await this.identity.setPreferredLocale(user.id, lang);
    res.cookie(LOCALE_COOKIE, lang, { maxAge: 365 * 24 * 3600 * 1000, sameSite: 'lax', httpOnly: false, path: '/' });
    res.redirect(303, safeNext(next));
  }
}
