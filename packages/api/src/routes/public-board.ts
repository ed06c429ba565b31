import { NotFoundError, PublicNoticeBoardSchema, publicBoardOf } from '@gridsafe/core';
import { readFiledBoard } from '@gridsafe/db';
import { countyData } from '../county-data.ts';
import { IdParamSchema, json, problem } from '../http-helpers.ts';
import { createRoute } from '../openapi/route.ts';
import type { createRouter } from '../openapi-hono.ts';
import { problemResponse } from '../problem.ts';
import { AddressRateLimit, clientAddress } from '../public-rate-limit.ts';

/** Boards change when a point is filed again; five minutes of staleness on a wall sign is nothing. */
const CACHE_SECONDS = 300;
/** Requests per client address per minute: a person scanning boards on a walk makes a few. */
export const PUBLIC_BOARD_REQUESTS_PER_MINUTE = 120;

const route = createRoute({
  method: 'get',
  path: '/public/risk-points/{id}',
  tags: ['public'],
  summary: 'A filed risk point’s notice board, without login: what the printed board shows and nothing more',
  description:
    'The page a notice board’s QR code opens renders this. Filed points only (anything else is 404); a point reopened for change shows its last filed board. Cached for 5 minutes; at most 120 requests a minute per client address (429 beyond).',
  security: [],
  request: { params: IdParamSchema },
  responses: {
    200: json(PublicNoticeBoardSchema, 'The board'),
    400: problem('The id is not a record id'),
    404: problem('No filed risk point with this id in this county'),
    429: problem('Too many requests from this address; try again in a minute'),
  },
});

export function registerPublicBoard(app: ReturnType<typeof createRouter>) {
  // One budget per process (per Lambda instance): see public-rate-limit.ts for the real limit in AWS.
  const limit = new AddressRateLimit(PUBLIC_BOARD_REQUESTS_PER_MINUTE, 60_000);
  app.openapi(route, async (c) => {
    if (!limit.take(clientAddress(c), c.get('deps').clock.now().getTime())) {
      c.header('retry-after', '60');
      return problemResponse(c, 429, 'rate_limited', 'Too many requests; try again in a minute.') as never;
    }
    const { id } = c.req.valid('param');
    const data = countyData(c);
    const point = await data.riskPoints.get(id);
    const board =
      point?.status === 'filed'
        ? publicBoardOf(point)
        : point?.filedColor !== undefined
          ? await readFiledBoard(data.store, id)
          : undefined;
    if (!board) throw new NotFoundError('risk point');
    c.header('cache-control', `public, max-age=${CACHE_SECONDS}`);
    return c.json(board, 200);
  });
}
