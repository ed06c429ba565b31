import { authorize, ForbiddenError, inScope, NotFoundError, scopeFilter } from '@gridsafe/core';
import {
  allowedInspectionActions,
  applyInspectionFollowUp,
  INSPECTING_ROLES,
  type Inspection,
  inspectionFollowUpDue,
  inspectionScopeTarget,
} from '@gridsafe/core/inspection';
import { fromItem, InspectionRepository, withDrawnNumbers } from '@gridsafe/db';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { countyData, readScope, writeContext } from '../county-data.ts';
import { announcePhoto, photoLink } from '../evidence.ts';
import { expectedVersion } from '../http-helpers.ts';
import { idempotent } from '../idempotent-write.ts';
import type { createRouter } from '../openapi-hono.ts';
import { externalNotifier } from './hazards.ts';
import { routes } from './inspection-schemas.ts';
import { auditTrail } from './record-routes.ts';

/** An inspection the caller may see: 404 when missing or in another county, 403 when outside their area. */
async function visibleInspection(c: Context<AppEnv>, id: string) {
  const stored = await new InspectionRepository(countyData(c).store).getStored(id, true);
  if (!stored) throw new NotFoundError('inspection');
  const inspection = fromItem<Inspection>(stored);
  if (!inScope(c.get('principal'), inspectionScopeTarget(inspection)))
    throw new ForbiddenError('This inspection is outside your area.');
  return { stored, inspection };
}

/** The inspection as answered: whether its follow-up is due now, and what the caller may do with it. */
function view(c: Context<AppEnv>, inspection: Inspection) {
  return {
    ...inspection,
    followUpDue: inspectionFollowUpDue(inspection, c.get('deps').clock.now()),
    allowedActions: allowedInspectionActions(inspection, c.get('principal')),
  };
}

export function registerInspections(app: ReturnType<typeof createRouter>) {
  app.openapi(routes.list, async (c) => {
    authorize(c.get('principal'), 'inspection.read');
    const { grid, department, unit, limit, cursor } = c.req.valid('query');
    const scope = await readScope(c, { grid, department, unit });
    const page = await new InspectionRepository(countyData(c).store).list(scopeFilter(scope), {
      limit,
      cursor,
    });
    return c.json({ ...page, items: page.items.map((inspection) => view(c, inspection)) }, 200);
  });

  // Before `/inspections/{id}`: `officers` is no id.
  app.openapi(routes.officers, async (c) => {
    authorize(c.get('principal'), 'inspection.record');
    const users = countyData(c).users;
    const items: { personId: string; name: string; role: string }[] = [];
    let cursor: string | undefined;
    do {
      const page = await users.list({ limit: 100, cursor });
      for (const user of page.items)
        if (user.enabled && (INSPECTING_ROLES as readonly string[]).includes(user.role))
          items.push({ personId: user.id, name: user.displayName, role: user.role });
      cursor = page.nextCursor;
    } while (cursor);
    return c.json({ items }, 200);
  });

  app.openapi(routes.announcePhoto, async (c) => {
    const principal = c.get('principal');
    authorize(principal, 'inspection.record');
    // Announced under the announcer's own draft: only they can name it in the inspection they record.
    return c.json(await announcePhoto(c, 'inspections', principal.userId, c.req.valid('json')), 201);
  });

  app.openapi(routes.create, async (c) => {
    const principal = c.get('principal');
    authorize(principal, 'inspection.record');
    const input = c.req.valid('json');
    const answer = await idempotent(c, `inspections:${principal.userId}`, input, async (claim) => {
      const { createInspection } = await import('./inspection-create.ts');
      const { inspection, hazards, notifications } = await createInspection(c, principal, input, claim);
      await externalNotifier(c).notify(notifications);
      return { inspection, hazards };
    });
    return c.json({ ...answer, inspection: view(c, answer.inspection) }, 201);
  });

  app.openapi(routes.get, async (c) => {
    authorize(c.get('principal'), 'inspection.read');
    return c.json(view(c, (await visibleInspection(c, c.req.valid('param').id)).inspection), 200);
  });

  app.openapi(routes.followUp, async (c) => {
    const principal = c.get('principal');
    authorize(principal, 'inspection.record');
    const body = c.req.valid('json');
    const id = c.req.valid('param').id;
    const data = countyData(c);
    const repository = new InspectionRepository(data.store);
    const { settings } = await data.settings.get();
    const saved = await withDrawnNumbers(async () => {
      const { stored, inspection } = await visibleInspection(c, id);
      const version = expectedVersion(c, body.version, inspection.version);
      const now = c.get('deps').clock.now();
      const drawn = await repository.drawNumber(settings.inspectionDocumentPrefix, 'review', now);
      const after = applyInspectionFollowUp(
        inspection,
        { ...body, number: drawn.number },
        { principal, now },
      );
      return repository.saveFollowUp(stored, after, version, writeContext(c), drawn);
    });
    return c.json(view(c, saved), 200);
  });

  app.openapi(routes.document, async (c) => {
    authorize(c.get('principal'), 'inspection.read');
    const { id, kind } = c.req.valid('param');
    const { inspection } = await visibleInspection(c, id);
    const { renderInspectionDocument } = await import('./inspection-documents.ts');
    return c.html(renderInspectionDocument(inspection, kind), 200);
  });

  app.openapi(routes.viewPhoto, async (c) => {
    authorize(c.get('principal'), 'inspection.read');
    const { id, photoId } = c.req.valid('param');
    const { inspection } = await visibleInspection(c, id);
    return c.json(await photoLink(c, inspection.photos, photoId), 200);
  });

  app.openapi(routes.audit, async (c) => {
    authorize(c.get('principal'), 'inspection.read');
    const { inspection } = await visibleInspection(c, c.req.valid('param').id);
    return c.json(await auditTrail(c, 'inspection', inspection.id), 200);
  });
}
