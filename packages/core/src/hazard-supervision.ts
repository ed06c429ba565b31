import * as z from 'zod/mini';
import { described, LocationSchema, textField } from './common-schemas.ts';
import { ConflictError, type FieldProblem, ValidationError } from './errors.ts';
import { raisedEscalation } from './escalation.ts';
import type { Hazard } from './hazard.ts';
import type { Principal } from './roles.ts';
import type { TenantSettings } from './settings.ts';
import { calendarDaysBetween } from './working-days.ts';

/*
 * 挂牌督办 (listed supervision) of a major hazard, issue 18: the county lists it with the 五落实 (responsibility,
 * measures, funds, deadline, plan), prints a numbered 督办单, and closes it only through its own acceptance (验收)
 * and then 销号 (delisting). Pure; applyHazardAction calls these.
 */

/** The five things the county pins down when it lists a hazard (五落实). */
export const FIVE_IMPLEMENTATIONS = ['responsibility', 'measures', 'funds', 'deadline', 'plan'] as const;
export type FiveImplementation = (typeof FIVE_IMPLEMENTATIONS)[number];

/** Where a listed hazard stands in the register. */
export type SupervisionStage = 'listed' | 'accepted' | 'delisted';

export interface Supervision {
  /** The 督办单's number, `<year>-<n>` per county and year; absent on hazards listed before the register. */
  number?: string;
  /** 责任人/责任单位: who answers for the rectification. */
  responsibility?: string;
  /** 整改措施. */
  measures?: string;
  /** 整改资金, in yuan. */
  funds?: number;
  /** 整改时限, a China day `YYYY-MM-DD`. */
  deadline?: string;
  /** 应急预案: what is done meanwhile if it goes wrong. */
  plan?: string;
  reason?: string;
  stage: SupervisionStage;
  listedAt: string;
  listedBy: string;
  acceptedAt?: string;
  acceptedBy?: string;
  acceptNote?: string;
  delistedAt?: string;
  delistedBy?: string;
}

const DAY = /^20\d\d-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/**
 * The listing's body. Every 五落实 field is optional in the schema and required by the state machine, so a
 * phone's write queued before the fields existed (`{reason}` alone) is answered with a problem naming each field
 * it lacks (docs/decisions.md, "挂牌督办 and the phones' queued writes").
 */
export const HazardSuperviseSchema = described(
  z.strictObject({
    responsibility: z.optional(textField(200)),
    measures: z.optional(textField(2000)),
    funds: z.optional(z.number().check(z.minimum(0), z.maximum(1e12))),
    deadline: z.optional(z.string().check(z.regex(DAY, 'a day, YYYY-MM-DD'))),
    plan: z.optional(textField(2000)),
    reason: z.optional(textField(500)),
    version: z.optional(z.number().check(z.int(), z.minimum(1))),
    location: z.optional(LocationSchema),
  }),
  { id: 'HazardSupervise' },
);
export type HazardSuperviseInput = z.infer<typeof HazardSuperviseSchema>;

export interface SupervisionInput {
  responsibility?: string;
  measures?: string;
  funds?: number;
  deadline?: string;
  plan?: string;
  reason?: string;
  note?: string;
  /** The 督办单 number the API drew for this county and year. */
  supervisionNumber?: string;
}

const FIELD_MESSAGE: Record<FiveImplementation, string> = {
  responsibility: '责任人/责任单位',
  measures: '整改措施',
  funds: '整改资金 (yuan)',
  deadline: '整改时限 (YYYY-MM-DD)',
  plan: '应急预案',
};

/** The 五落实 fields the input lacks, each as a 400 problem naming it. */
export function missingFiveImplementations(input: SupervisionInput): FieldProblem[] {
  return FIVE_IMPLEMENTATIONS.filter((field) => {
    const value = input[field];
    return value === undefined || (typeof value === 'string' && value.trim() === '');
  }).map((path) => ({ path, message: `五落实 missing: ${FIELD_MESSAGE[path]}` }));
}

/** True when a listing still lacks any of its 五落实 (one listed before the register: 待补充). */
export function supervisionIncomplete(hazard: Pick<Hazard, 'supervised' | 'supervision'>): boolean {
  return hazard.supervised && missingFiveImplementations(hazard.supervision ?? {}).length > 0;
}

type Ctx = {
  principal: Principal;
  now: Date;
  settings: Pick<TenantSettings, 'escalationGraceDays'> & Partial<Pick<TenantSettings, 'workingCalendar'>>;
};

/**
 * List a major hazard (挂牌督办): not closed, with all five 五落实 fields; it goes to the county. A hazard listed
 * before the register (its fields 待补充) is completed by listing it again; a complete listing is not listed twice.
 */
export function superviseHazard(hazard: Hazard, ctx: Ctx, input: SupervisionInput): Hazard {
  if (hazard.status === 'closed')
    throw new ConflictError('A hazard that is closed cannot be listed for supervision.', 'wrong_state');
  if (hazard.severity !== 'major')
    throw new ConflictError('Only a major hazard is listed for supervision (挂牌督办).', 'wrong_state');
  if (hazard.supervised && !supervisionIncomplete(hazard))
    throw new ConflictError('The hazard is already listed for supervision.', 'wrong_state');
  const missing = missingFiveImplementations(input);
  if (missing.length > 0)
    throw new ValidationError(missing, 'Listing a hazard for supervision needs its 五落实.');
  const at = ctx.now.toISOString();
  const by = ctx.principal.username;
  const earlier = hazard.supervision;
  const supervision: Supervision = {
    ...(earlier?.number
      ? { number: earlier.number }
      : input.supervisionNumber
        ? { number: input.supervisionNumber }
        : {}),
    responsibility: input.responsibility!.trim(),
    measures: input.measures!.trim(),
    funds: input.funds!,
    deadline: input.deadline!,
    plan: input.plan!.trim(),
    ...(input.reason ? { reason: input.reason } : {}),
    stage: 'listed',
    listedAt: earlier?.listedAt ?? hazard.supervisedAt ?? at,
    listedBy: earlier?.listedBy ?? by,
  };
  const listed = { supervised: true, supervisedAt: hazard.supervisedAt ?? at, supervision };
  const raised = raisedEscalation(hazard, ctx.now, ctx.settings, by, 'supervision');
  // A hazard the county already raised by hand is listed where it stands; nothing about its ladder changes.
  if (!raised) return { ...hazard, ...listed };
  const { escalateAt: _e, overdueAt: _o, ...rest } = hazard;
  const { step: _s, ...ladder } = raised;
  return { ...rest, ...ladder, ...listed };
}

/** 验收: the county admin accepts a listed hazard's reported rectification; it stays rectified until 销号. */
export function acceptSupervised(hazard: Hazard, ctx: Ctx, input: SupervisionInput): Hazard {
  const supervision = requireListed(hazard, 'accepted');
  if (supervision.stage !== 'listed')
    throw new ConflictError('The listed hazard is already accepted.', 'wrong_state');
  if (hazard.status !== 'rectified')
    throw new ConflictError(`A listed hazard that is ${hazard.status} cannot be accepted.`, 'wrong_state');
  const missing = missingFiveImplementations(supervision);
  if (missing.length > 0)
    throw new ConflictError('The listing lacks its 五落实: list it again first.', 'wrong_state');
  const at = ctx.now.toISOString();
  const { escalateAt: _e, ...rest } = hazard;
  return {
    ...rest,
    supervision: {
      ...supervision,
      stage: 'accepted',
      acceptedAt: at,
      acceptedBy: ctx.principal.username,
      ...(input.note ? { acceptNote: input.note } : {}),
    },
  };
}

/** 销号: after its acceptance, the county takes the hazard off the register, and it closes. */
export function delistSupervised(hazard: Hazard, ctx: Ctx, input: SupervisionInput): Hazard {
  const supervision = requireListed(hazard, 'delisted');
  if (supervision.stage !== 'accepted')
    throw new ConflictError(
      supervision.stage === 'delisted'
        ? 'Already delisted.'
        : 'Delisted (销号) only after its acceptance (验收).',
      'wrong_state',
    );
  const at = ctx.now.toISOString();
  const by = ctx.principal.username;
  return {
    ...hazard,
    status: 'closed',
    closedAt: at,
    resolution: { how: 'verified', ...(input.note ? { note: input.note } : {}), photoIds: [], at, by },
    supervision: { ...supervision, stage: 'delisted', delistedAt: at, delistedBy: by },
  };
}

function requireListed(hazard: Hazard, wanted: string): Supervision {
  if (!hazard.supervised)
    throw new ConflictError(`Only a hazard listed for supervision is ${wanted} (验收/销号).`, 'wrong_state');
  return (
    hazard.supervision ?? { stage: 'listed', listedAt: hazard.supervisedAt ?? hazard.updatedAt, listedBy: '' }
  );
}

/** How many days a listing has stood: until its 销号, or until now. */
export function supervisionAgeDays(hazard: Pick<Hazard, 'supervisedAt' | 'supervision'>, now: Date): number {
  const listedAt = hazard.supervision?.listedAt ?? hazard.supervisedAt;
  if (!listedAt) return 0;
  const until = hazard.supervision?.delistedAt ? new Date(hazard.supervision.delistedAt) : now;
  return calendarDaysBetween(new Date(listedAt), until);
}

/** The 督办单 number for the n-th listing of a year in a county. */
export function supervisionNumber(year: number, n: number): string {
  return `${year}-${String(n).padStart(3, '0')}`;
}
