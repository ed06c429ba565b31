import { actorOf, type Location, type Principal } from '@gridsafe/core';

/** Who is changing something, when and where: the audit facts every write carries. */
export interface WriteContext {
  principal: Principal;
  now: Date;
  location?: Location;
}

export function auditFacts(ctx: WriteContext) {
  return {
    at: ctx.now.toISOString(),
    actor: actorOf(ctx.principal),
    ...(ctx.location ? { location: ctx.location } : {}),
  };
}
