import type { Request, Response } from 'express';
import { flash } from '../identity/session.setup';

/**
 * Sets a flash message and redirects (303) once the session is stored. express-session sends the
 * redirect's headers before its own end-of-request save completes, so a browser following the
 * redirect at once could read the session without the message (or, after sign-in, without the user).
 */
export async function redirectWithFlash(req: Request, res: Response, key: string, url: string): Promise<void> {
  flash(req, 'success', key);
  await new Promise<void>((resolve, reject) => req.session.save((error) => (error ? reject(error as Error) : resolve())));
  res.redirect(303, url);
}
