import {
  authorize,
  ConflictError,
  checkReopenReason,
  DEFAULT_SETTINGS,
  nextReviewState,
  publicBoardOf,
  ReopenRiskPointSchema,
  ReturnRiskPointSchema,
  type RiskPoint,
  type RiskPointTransition,
  reopenedMessages,
  reviewNeedsSettings,
  TransitionSchema,
} from '@gridsafe/core';
import { filedBoardPut, NotificationRepository } from '@gridsafe/db';
import { countyData, writeContext } from '../county-data.ts';
import { expectedVersion } from '../http-helpers.ts';
import type { createRouter } from '../openapi-hono.ts';
import { cachedSettings } from '../settings-cache.ts';
import { recordRoutes } from './record-routes.ts';
import { RiskPointSchema } from './risk-point-schemas.ts';
import { visiblePoint, withAllowedActions } from './risk-point-visibility.ts';

const BODY = {
  submit: TransitionSchema,
  approve: TransitionSchema,
  return: ReturnRiskPointSchema,
  reopen: ReopenRiskPointSchema,
};

const riskPointRoutes = recordRoutes('risk-points', 'risk points');

function transitionRoute(action: RiskPointTransition) {
  return riskPointRoutes.step(action, {
    summary: {
      submit: 'Submit a draft for review (the chain of the worse of its colour and its filed colour)',
      approve: 'Approve at the current review level (the last approval files it); never by its filer',
      return: 'Return to draft with a reason',
      reopen:
        'Reopen a filed point as a draft, with a reason (by a reviewer of its colour’s last step; filers are notified)',
    }[action],
    body: BODY[action],
    // A reopen's body is optional only while apps loaded before it needed a reason are about (see the schema).
    bodyRequired: action === 'return',
    answer: [RiskPointSchema, 'The point after the transition'],
  });
}

const EVENT: Record<RiskPointTransition, (filed: boolean) => string> = {
  submit: () => 'submitted',
  approve: (filed) => (filed ? 'filed' : 'approved'),
  return: () => 'returned',
  reopen: () => 'reopened',
};

/** The review chain: submit, approve, return and reopen, each one transaction (point, audit, counters, notices). */
export function registerRiskPointReview(app: ReturnType<typeof createRouter>) {
  for (const action of ['submit', 'approve', 'return', 'reopen'] as const) {
    app.openapi(transitionRoute(action), async (c) => {
      const principal = c.get('principal');
      authorize(principal, action === 'submit' ? 'riskPoint.file' : 'riskPoint.review');
      const body = (c.req.valid('json') ?? {}) as {
        version?: number;
        reason?: string;
        location?: { lat: number; lng: number };
      };
      const { stored, point } = await visiblePoint(c, c.req.valid('param').id);
      const version = expectedVersion(c, body.version, point.version);
      const data = countyData(c);
      const now = c.get('deps').clock.now();
      const legacyReopen = action === 'reopen' && checkReopenReason(body.reason, now).legacyBody;
      // Most steps follow what the point carries; only some need the county's settings (one read, cached).
      const { settings } = reviewNeedsSettings(point, principal, action)
        ? await cachedSettings(c.get('tenant'), data.settings)
        : { settings: DEFAULT_SETTINGS };
      if (action === 'submit' && !point.photos.some((photo) => photo.status === 'verified')) {
        throw new ConflictError(
          'Add at least one photo of the point before submitting it.',
          'photo_required',
        );
      }
      const { state, singlePerson } = nextReviewState(point, action, principal, settings);
      const after: RiskPoint = { ...point, ...state };
      if (action === 'return') after.returnReason = body.reason;
      else delete after.returnReason;
      const ctx = { ...writeContext(c), ...(body.location ? { location: body.location } : {}) };
      const notices =
        action === 'reopen' ? reopenedMessages(point, body.reason, now, () => c.get('deps').ids.next()) : [];
      const details = {
        ...(action === 'approve' ? { reviewLevel: point.reviewChain[point.reviewStep] } : {}),
        ...(action === 'submit' ? { reviewColor: state.reviewColor } : {}),
        ...(singlePerson ? { singlePerson: true } : {}),
        // An app loaded before reopening needed a reason (the transition period of REOPEN_REASON_REQUIRED_FROM).
        ...(legacyReopen ? { legacyBody: true } : {}),
        ...(notices.length > 0
          ? { notified: notices.map((n) => `${n.recipient.kind}:${n.recipient.id}`) }
          : {}),
      };
      const saved = await data.riskPoints.save(stored, after, version, ctx, {
        action: EVENT[action](state.status === 'filed'),
        ...(body.reason ? { reason: body.reason } : {}),
        ...(Object.keys(details).length > 0 ? { details } : {}),
        extraItems: [
          ...new NotificationRepository(data.store).puts(notices),
          // The board on the wall keeps showing what was filed while the point is reworked (public-board.ts).
          ...(action === 'reopen' ? [filedBoardPut(data.store, publicBoardOf(point))] : []),
        ],
      });
      return c.json(withAllowedActions(principal, saved, settings), 200);
    });
  }
}
