import { randomBytes } from 'node:crypto';
import { Body, Controller, Get, Inject, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor } from '../audit/actor';
import { FormView } from '../common/http/form-view';
import { Public } from '../identity/access.decorators';
import { CurrentActor } from '../identity/current-actor.decorator';
import { redirectWithFlash } from '../organisations/redirect';
import { SurveyResponseDto } from './dto/survey.dto';
import { SurveyThrottleGuard } from './survey-throttle.guard';
import { SURVEYS_CONFIG, SurveysConfig } from './surveys.config';
import { SurveysService } from './surveys.service';
import { SurveysQueries } from './surveys.queries';

export const DEVICE_COOKIE = 'survey_device';
const DEVICE_TOKEN = /^[A-Za-z0-9_-]{43}$/;
const TWO_YEARS_MS = 2 * 365 * 86_400_000;

/**
 * The residents' survey page, reached from the poster's link or QR code: no sign-in. A long-lived
 * random cookie identifies the device (one answer per device); answers are rate-limited per
 * address and carry the session's CSRF token like every form.
 */
@ApiExcludeController()
@Controller('survey')
@Public()
export class PublicSurveysController {
  constructor(
    private readonly surveys: SurveysService,
    private readonly views: SurveysQueries,
    @Inject(SURVEYS_CONFIG) private readonly config: SurveysConfig,
  ) {}

  @Get(':token')
  async show(@Param('token') token: string, @Req() req: Request, @Res() res: Response) {
    const page = await this.views.publicPage(token, this.existingDevice(req));
    this.device(req, res);
    res.status(page.status).render(page.template, page.context);
  }

  @Post(':token')
  @FormView('surveys/respond', { titleKey: 'surveys.public.title' })
  @UseGuards(SurveyThrottleGuard)
  async answer(@Param('token') token: string, @Body() dto: SurveyResponseDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    const outcome = await this.surveys.submitResponse(actor, token, dto, this.device(req, res));
    if (outcome.kind === 'recorded') {
      await redirectWithFlash(req, res, 'surveys.flash.thanks', `/survey/${encodeURIComponent(token)}`);
      return;
    }
    const survey = await this.surveys.surveyByToken(token);
    const context = await this.views.publicContext(survey);
    if (outcome.kind === 'closed') res.status(410).render('surveys/closed', { ...context, titleKey: 'surveys.public.closedTitle' });
    else res.status(200).render('surveys/answered', { ...context, titleKey: 'surveys.public.answeredTitle' });
  }

  private existingDevice(req: Request): string | null {
    const value = (req.cookies as Record<string, unknown> | undefined)?.[DEVICE_COOKIE];
    return typeof value === 'string' && DEVICE_TOKEN.test(value) ? value : null;
  }

  /** The device token from its cookie, or a new one (set on the response). */
  private device(req: Request, res: Response): string {
    const existing = this.existingDevice(req);
    if (existing) return existing;
    const token = randomBytes(32).toString('base64url');
    res.cookie(DEVICE_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure: this.config.secureCookies, maxAge: TWO_YEARS_MS, path: '/survey' });
    // The rest of this request reads the same token.
    (req.cookies as Record<string, string>)[DEVICE_COOKIE] = token;
    return token;
  }
}
