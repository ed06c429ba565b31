import type { Context } from 'hono';
import { Hono } from 'hono';
import type { AppEnv } from './app-env.ts';
import type { RouteConfig, Router } from './openapi/route.ts';
import { createRouter } from './openapi-hono.ts';
import { problemResponse } from './problem.ts';

/** What a route group's module hands over: the function that registers its routes on a router. */
export type RegisterRoutes = (router: Router<AppEnv>) => void;

interface LoadedGroup {
  app: Hono<{ Bindings: { parent: Context<AppEnv> } } & AppEnv>;
  routeTable: readonly RouteConfig[];
}

/**
 * Route groups whose module (schemas, validators and handlers) loads at the first request for one of its paths.
 * The county API's cold start has a fixed budget (test/infra/bundling.test.ts); a group most requests never
 * touch (exports, statistics, imports…) costs it one route and a loader, not its schemas. The group's routes run
 * after everything the county router did before the group was added (county, auth, body limit), with the same
 * request variables; its errors go to the county API's one error handler.
 */
export class LazyRouteGroups {
  private readonly groups: { load: () => Promise<LoadedGroup> }[] = [];

  constructor(private readonly base: string) {}

  /**
   * Serves every path under `prefix` (itself included) with the group `load` imports, e.g.
   * `groups.add(county, '/exports', () => import('./routes/exports.ts').then((m) => m.registerExports))`.
   */
  add(
    county: Router<AppEnv>,
    prefixes: string | string[],
    load: () => Promise<RegisterRoutes>,
    /**
     * Only these methods, at exactly these paths: a public POST beside authenticated GETs of one path, and any group
     * whose path has a segment beside another route's at the same place (`/grids/:id/boundary` beside
     * `/grids/import`). An `ALL` route there makes hono's RegExpRouter refuse the county API, and its SmartRouter
     * then routes every request with the slower TrieRouter (test/unit/county-router.test.ts).
     */
    exactly?: { methods: ('GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE')[] },
  ): void {
    let loaded: Promise<LoadedGroup> | undefined;
    const group = { load: () => (loaded ??= load().then((register) => this.build(register))) };
    this.groups.push(group);
    const serve = async (c: Context<AppEnv>) => {
      const { app } = await group.load();
      return app.fetch(c.req.raw, { parent: c });
    };
    for (const prefix of [prefixes].flat()) {
      if (exactly) {
        county.on(exactly.methods, prefix, serve);
        continue;
      }
      county.all(prefix, serve);
      county.all(`${prefix}/*`, serve);
    }
  }

  /** Every route of every group, for the OpenAPI document (each group loads once). */
  async routeTable(): Promise<RouteConfig[]> {
    const loaded = await Promise.all(this.groups.map((group) => group.load()));
    return loaded.flatMap((group) => group.routeTable);
  }

  private build(register: RegisterRoutes): LoadedGroup {
    const routes = createRouter();
    register(routes);
    const app = new Hono<{ Bindings: { parent: Context<AppEnv> } } & AppEnv>();
    // Thrown on to the county API's own handler, so a group's errors look like every other route's.
    app.onError((error) => {
      throw error;
    });
    app.notFound((c) => problemResponse(c, 404, 'not_found', 'No such endpoint.'));
    app.use('*', async (c, next) => {
      for (const [name, value] of Object.entries(c.env.parent.var)) c.set(name as never, value as never);
      await next();
    });
    app.route(this.base, routes);
    return { app, routeTable: routes.routeTable };
  }
}
