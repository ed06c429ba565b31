import { ConflictError, ForbiddenError, ValidationError } from './errors.ts';
import type { Color } from './grading.ts';
import { openSteps, Refusal, refuse } from './open-steps.ts';
import { canFile, type RiskPoint, type RiskPointStatus } from './risk-point.ts';
import type { Principal } from './roles.ts';
import type { ReviewLevel, TenantSettings } from './settings.ts';

/*
 * The level-by-level review of a risk point (逐级审核上报), pure: who may submit, approve, return and reopen,
 * along which chain, and what each step records. Separation of duties lives here (issue 21).
 */

/** From this day a reopen without a reason is 400; before it, an older app's body is accepted and audited so. */
export const REOPEN_REASON_REQUIRED_FROM = '2027-03-01T00:00:00+08:00';

/**
 * A reopen's reason: required, except that until REOPEN_REASON_REQUIRED_FROM a body without one (an app loaded
 * before reopening became a reviewer's act) is accepted; answers whether this is such a legacy body.
 */
export function checkReopenReason(reason: string | undefined, now: Date): { legacyBody: boolean } {
  if (reason) return { legacyBody: false };
  if (now.getTime() >= Date.parse(REOPEN_REASON_REQUIRED_FROM))
    throw new ValidationError([{ path: 'reason', message: 'say why the filed point is reopened' }]);
  return { legacyBody: true };
}

/** The review level a person acts at: township officers at the township step, the county admin at either. */
export function canReviewAt(principal: Principal, level: ReviewLevel): boolean {
  if (principal.role === 'county_admin') return true;
  return level === 'township' && principal.role === 'township_officer';
}

export type RiskPointTransition = 'submit' | 'approve' | 'return' | 'reopen';
export const RISK_POINT_TRANSITIONS = ['submit', 'approve', 'return', 'reopen'] as const;

const COLOR_RANK: Record<Color, number> = { ungraded: 0, blue: 1, yellow: 2, orange: 3, red: 4 };

/** The worse of two colours (red worst); a point never filed has only its own. */
export function worseColor(a: Color, b: Color | undefined): Color {
  return b !== undefined && COLOR_RANK[b] > COLOR_RANK[a] ? b : a;
}

/** The last level of the county's chain for a colour: who must see a point of that colour filed or reopened. */
export function finalReviewLevel(settings: Pick<TenantSettings, 'reviewChains'>, color: Color): ReviewLevel {
  const chain = settings.reviewChains[color];
  return chain[chain.length - 1] ?? 'county';
}

/** Reopening a filed point takes it off the register: only whoever reviews its colour's last step may. */
export function canReopen(
  principal: Principal,
  point: Pick<RiskPoint, 'color' | 'reopenBy'>,
  settings: Pick<TenantSettings, 'reviewChains'>,
): boolean {
  return canReviewAt(principal, reopenLevel(point, settings));
}

function reopenLevel(
  point: Pick<RiskPoint, 'color' | 'reopenBy'>,
  settings: Pick<TenantSettings, 'reviewChains'>,
) {
  return point.reopenBy ?? finalReviewLevel(settings, point.color);
}

/**
 * Whether deciding this person's review steps on this point needs the county's settings: a submit (the chain),
 * a reopen of a point filed before `reopenBy` existed, and an approval of one's own filing (the one-person
 * township setting). Every other step follows what the point carries, so it costs no settings read.
 */
export function reviewNeedsSettings(
  point: Pick<RiskPoint, 'status' | 'reopenBy' | 'createdBy' | 'submittedBy'>,
  principal: Pick<Principal, 'username'>,
  transition?: RiskPointTransition,
): boolean {
  const own = principal.username === point.createdBy || principal.username === point.submittedBy;
  if (transition === 'submit') return true;
  if (point.status === 'filed') return point.reopenBy === undefined;
  return own && point.status !== 'draft';
}

type ReviewFields = Pick<RiskPoint, 'status' | 'reviewChain' | 'reviewStep'> &
  Partial<Pick<RiskPoint, 'reviewColor' | 'filedColor' | 'submittedBy' | 'reopenBy'>>;

/** A transition's outcome: the point's review fields, and whether one person took both sides of it. */
export interface ReviewOutcome {
  state: ReviewFields;
  /** True when the county's setting let a township officer approve their own filing (audited as such). */
  singlePerson: boolean;
}

/**
 * The review state machine (pure): draft → submitted → (township_approved →) filed, the chain per colour
 * from the county's settings; the reviewer whose turn it is may return a filing to draft with a reason; a filed
 * point is reopened to draft by whoever reviews its colour's last step, so nothing on record is edited in place
 * and no filer takes a point off the register alone. Nobody approves a filing they created or submitted.
 *
 * @example
 * nextReviewState(draft, 'submit', gridMember, DEFAULT_SETTINGS).state.status; // 'submitted'
 */
export function nextReviewState(
  point: Pick<
    RiskPoint,
    | 'status'
    | 'color'
    | 'reviewChain'
    | 'reviewStep'
    | 'createdBy'
    | 'filedColor'
    | 'submittedBy'
    | 'reopenBy'
  >,
  transition: RiskPointTransition,
  principal: Principal,
  settings: Pick<TenantSettings, 'reviewChains' | 'reviews'>,
): ReviewOutcome {
  const decision = reviewDecision(point, transition, principal, settings);
  if (decision instanceof Refusal) throw decision.error();
  return decision;
}

/**
 * The machine itself: a step's outcome, or its refusal with the error made only when someone throws it. Asking which
 * steps are open (`allowedRiskPointActions`, on every record page and list) then builds no error at all: with the
 * closed steps' errors, even without their stacks, asking took 3.5 µs a point in a warm loop, now 0.1 µs.
 */
function reviewDecision(
  point: Parameters<typeof nextReviewState>[0],
  transition: RiskPointTransition,
  principal: Principal,
  settings: Pick<TenantSettings, 'reviewChains' | 'reviews'>,
): ReviewOutcome | Refusal {
  switch (transition) {
    case 'submit': {
      if (point.status !== 'draft') return refuse(() => wrongState(point.status, 'submitted'));
      if (!canFile(principal))
        return refuse(() => new ForbiddenError('Your role does not file risk points.'));
      const reviewColor = worseColor(point.color, point.filedColor);
      return {
        state: {
          status: 'submitted',
          reviewChain: [...settings.reviewChains[reviewColor]],
          reviewStep: 0,
          reviewColor,
          submittedBy: principal.username,
          reopenBy: finalReviewLevel(settings, point.color),
        },
        singlePerson: false,
      };
    }
    case 'approve': {
      if (point.status !== 'submitted' && point.status !== 'township_approved')
        return refuse(() => wrongState(point.status, 'approved'));
      const level = point.reviewChain[point.reviewStep];
      if (!level)
        return refuse(() => new ConflictError('This filing has no review left to give.', 'wrong_state'));
      if (!canReviewAt(principal, level))
        return refuse(() => new ForbiddenError(`This filing waits for the ${level} review.`));
      const own = principal.username === point.createdBy || principal.username === point.submittedBy;
      const singlePerson =
        own &&
        level === 'township' &&
        principal.role === 'township_officer' &&
        settings.reviews.allowSinglePersonTownship;
      if (own && !singlePerson) {
        return refuse(
          () =>
            new ForbiddenError(
              'You created or submitted this filing; another reviewer must approve it.',
              'same_person',
            ),
        );
      }
      const reviewStep = point.reviewStep + 1;
      const done = reviewStep >= point.reviewChain.length;
      return {
        state: {
          status: done ? 'filed' : 'township_approved',
          reviewChain: point.reviewChain,
          reviewStep,
          ...(done ? { filedColor: point.color } : {}),
        },
        singlePerson,
      };
    }
    case 'return': {
      if (point.status !== 'submitted' && point.status !== 'township_approved')
        return refuse(() => wrongState(point.status, 'returned'));
      const level = point.reviewChain[point.reviewStep];
      if (!level || !canReviewAt(principal, level))
        return refuse(() => new ForbiddenError('Only the reviewer whose turn it is may return a filing.'));
      return { state: { status: 'draft', reviewChain: [], reviewStep: 0 }, singlePerson: false };
    }
    case 'reopen': {
      if (point.status !== 'filed') return refuse(() => wrongState(point.status, 'reopened'));
      if (!canReopen(principal, point, settings)) {
        return refuse(
          () =>
            new ForbiddenError(
              `A filed ${point.color} point is reopened by its ${reopenLevel(point, settings)} reviewer.`,
            ),
        );
      }
      // Points filed before `filedColor` existed: the colour on record now is the one they were filed with.
      return {
        state: {
          status: 'draft',
          reviewChain: [],
          reviewStep: 0,
          filedColor: point.filedColor ?? point.color,
        },
        singlePerson: false,
      };
    }
  }
}

/**
 * What this person may do to this point now, for the buttons a client draws (scope is checked by the caller):
 * the same rules as `nextReviewState`, asked without throwing.
 */
export function allowedRiskPointActions(
  point: Parameters<typeof nextReviewState>[0],
  principal: Principal,
  settings: Pick<TenantSettings, 'reviewChains' | 'reviews'>,
): RiskPointTransition[] {
  return openSteps(RISK_POINT_TRANSITIONS, (transition) =>
    reviewDecision(point, transition, principal, settings),
  );
}

/** Every field of a point the review rules read: `nextReviewState` takes exactly these. */
const REVIEW_FIELDS = [
  'status',
  'color',
  'reviewChain',
  'reviewStep',
  'createdBy',
  'filedColor',
  'submittedBy',
  'reopenBy',
] as const satisfies readonly (keyof Parameters<typeof nextReviewState>[0])[];
// A field the rules come to read and the list above forgets would make two different points share an answer.
type UnlistedReviewField = Exclude<
  keyof Parameters<typeof nextReviewState>[0],
  (typeof REVIEW_FIELDS)[number]
>;
const reviewFieldsListed: [UnlistedReviewField] extends [never] ? true : false = true;
void reviewFieldsListed;

/**
 * `allowedRiskPointActions` for the points of one list page, one person and one county's settings: points alike in
 * every field the rules read (a page of filed red points mostly is) share one asking of the machine. Asking it
 * throws for each closed step, and a page of 50 points was 200 throws, about 3% of the API's CPU on the red list.
 */
export function riskPointActionsFor(
  principal: Principal,
  settings: Pick<TenantSettings, 'reviewChains' | 'reviews'>,
): (point: Parameters<typeof nextReviewState>[0]) => RiskPointTransition[] {
  const answers = new Map<string, RiskPointTransition[]>();
  return (point) => {
    const key = JSON.stringify(REVIEW_FIELDS.map((field) => point[field] ?? null));
    let answer = answers.get(key);
    if (!answer) {
      answer = allowedRiskPointActions(point, principal, settings);
      answers.set(key, answer);
    }
    return [...answer];
  };
}

function wrongState(status: RiskPointStatus, wanted: string): ConflictError {
  return new ConflictError(`A risk point that is ${status} cannot be ${wanted}.`, 'wrong_state');
}
