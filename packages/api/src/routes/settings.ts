import { assertValidBands, authorize, described, TenantSettingsSchema } from '@gridsafe/core';
import * as z from 'zod/mini';
import { countyData, writeContext } from '../county-data.ts';
import { COMMON_ERRORS, expectedVersion, VersionHeaderSchema, WRITE_ERRORS } from '../http-helpers.ts';
import { createRoute } from '../openapi/route.ts';
import type { createRouter } from '../openapi-hono.ts';
import { rememberSettings } from '../settings-cache.ts';

const SettingsBodySchema = described(
  z.object({ settings: TenantSettingsSchema, version: z.number().check(z.int(), z.minimum(0)) }),
  { id: 'Settings' },
);
const PutSettingsSchema = described(
  z.strictObject({
    settings: TenantSettingsSchema,
    version: z.optional(z.number().check(z.int(), z.minimum(0))),
  }),
  { id: 'SettingsUpdate' },
);

const getRoute = createRoute({
  method: 'get',
  path: '/settings',
  tags: ['settings'],
  summary: 'Grading bands and methods, review chains, patrol frequencies, deadlines',
  responses: {
    200: { description: 'Settings', content: { 'application/json': { schema: SettingsBodySchema } } },
    ...COMMON_ERRORS,
  },
});
const putRoute = createRoute({
  method: 'put',
  path: '/settings',
  tags: ['settings'],
  summary:
    'Replace the settings (county admin). Changing a band gives the grading table a new version; old gradings keep theirs.',
  request: {
    headers: VersionHeaderSchema,
    body: { required: true, content: { 'application/json': { schema: PutSettingsSchema } } },
  },
  responses: {
    200: { description: 'Saved', content: { 'application/json': { schema: SettingsBodySchema } } },
    ...WRITE_ERRORS,
  },
});

export function registerSettings(app: ReturnType<typeof createRouter>) {
  app.openapi(getRoute, async (c) => {
    authorize(c.get('principal'), 'settings.read');
    return c.json(await countyData(c).settings.get(), 200);
  });

  app.openapi(putRoute, async (c) => {
    authorize(c.get('principal'), 'settings.manage');
    const body = c.req.valid('json');
    assertValidBands(body.settings.grading);
    const data = countyData(c);
    const current = await data.settings.get();
    const version = expectedVersion(c, body.version, current.version, 0);
    const saved = await data.settings.put(body.settings, version, writeContext(c));
    rememberSettings(c.get('tenant'), saved);
    return c.json(saved, 200);
  });
}
