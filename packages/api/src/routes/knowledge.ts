import {
  authorize,
  described,
  findIndustry,
  knowledgeIndustrySchema,
  knowledgeOverridesSchema,
  listIndustrySummaries,
  NotFoundError,
  VENDOR_KB_VERSION,
} from '@gridsafe/core';
import { KnowledgeRepository } from '@gridsafe/db';
import * as z from 'zod/mini';
import { writeContext } from '../county-data.ts';
import { COMMON_ERRORS, expectedVersion, json, VersionHeaderSchema, WRITE_ERRORS } from '../http-helpers.ts';
import { countyKnowledge } from '../knowledge-source.ts';
import { createRoute } from '../openapi/route.ts';
import type { createRouter } from '../openapi-hono.ts';

const IndustrySummarySchema = z.object({
  code: z.string(),
  name: z.string(),
  templateCount: z.number().check(z.int()),
});
const IndustryListSchema = described(
  z.object({
    vendorVersion: z.string(),
    countyVersion: z.number().check(z.int()),
    items: z.array(IndustrySummarySchema),
  }),
  { id: 'KnowledgeIndustryList' },
);
const IndustrySchema = described(knowledgeIndustrySchema, { id: 'KnowledgeIndustry' });
const OverridesBodySchema = described(
  z.object({
    overrides: knowledgeOverridesSchema,
    version: z.optional(z.number().check(z.int(), z.minimum(0))),
  }),
  { id: 'KnowledgeOverridesUpdate' },
);

const listRoute = createRoute({
  method: 'get',
  path: '/knowledge/industries',
  tags: ['knowledge'],
  summary: 'Industries of the county’s knowledge base (vendor default with county overrides)',
  responses: { 200: json(IndustryListSchema, 'Industries'), ...COMMON_ERRORS },
});
const getRoute = createRoute({
  method: 'get',
  path: '/knowledge/industries/{code}',
  tags: ['knowledge'],
  summary: 'One industry: its risk point templates, hazard factors, checklists and measures',
  request: {
    params: z.object({
      code: z.string().check(z.regex(/^[a-z][a-z0-9_]{1,47}$/)),
    }),
  },
  responses: { 200: json(IndustrySchema, 'The industry'), ...COMMON_ERRORS },
});
const getOverridesRoute = createRoute({
  method: 'get',
  path: '/knowledge/overrides',
  tags: ['knowledge'],
  summary: 'The county’s overrides of the vendor knowledge base (county admin)',
  responses: { 200: json(OverridesBodySchema, 'Overrides'), ...COMMON_ERRORS },
});
const putOverridesRoute = createRoute({
  method: 'put',
  path: '/knowledge/overrides',
  tags: ['knowledge'],
  summary: 'Replace the county’s overrides (county admin); they survive vendor updates',
  request: {
    headers: VersionHeaderSchema,
    body: { required: true, content: { 'application/json': { schema: OverridesBodySchema } } },
  },
  responses: { 200: json(OverridesBodySchema, 'Saved'), ...WRITE_ERRORS },
});

export function registerKnowledge(app: ReturnType<typeof createRouter>) {
  app.openapi(listRoute, async (c) => {
    // Everyone in the county uses the knowledge base: it is how grid members file risk points.
    const { knowledge, version } = await countyKnowledge(c);
    return c.json(
      {
        vendorVersion: VENDOR_KB_VERSION,
        countyVersion: version,
        items: listIndustrySummaries(knowledge),
      },
      200,
    );
  });

  app.openapi(getRoute, async (c) => {
    const { knowledge } = await countyKnowledge(c);
    const industry = findIndustry(knowledge, c.req.valid('param').code);
    if (!industry) throw new NotFoundError('industry');
    return c.json(industry, 200);
  });

  app.openapi(getOverridesRoute, async (c) => {
    authorize(c.get('principal'), 'knowledge.manage');
    const { overrides, version } = await countyKnowledge(c);
    return c.json(
      { overrides: overrides ?? { baseVersion: VENDOR_KB_VERSION, industries: {} }, version },
      200,
    );
  });

  app.openapi(putOverridesRoute, async (c) => {
    authorize(c.get('principal'), 'knowledge.manage');
    const body = c.req.valid('json');
    const current = await new KnowledgeRepository(c.get('store')).getOverrides();
    const expected = expectedVersion(c, body.version, current.version);
    const version = await new KnowledgeRepository(c.get('store')).putOverrides(
      body.overrides,
      expected,
      writeContext(c),
    );
    return c.json({ overrides: body.overrides, version }, 200);
  });
}
