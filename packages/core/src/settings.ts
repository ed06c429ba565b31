import * as z from 'zod/mini';
import { AssessmentScoringField, DEFAULT_ASSESSMENT_SCORING } from './assessment-scoring-settings.ts';
import { described, textField } from './common-schemas.ts';
import { DEFAULT_GRADING_TABLE, GradingTableSchema } from './grading.ts';
import { DEFAULT_MAP_SETTINGS, MapSettingsField } from './map-settings.ts';

export const REVIEW_LEVELS = ['township', 'county'] as const;
export const ReviewLevelSchema = z.enum(REVIEW_LEVELS);
export type ReviewLevel = z.infer<typeof ReviewLevelSchema>;

const dayList = z
  .array(z.string().check(z.regex(/^20\d\d-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'a day, YYYY-MM-DD')))
  .check(z.maxLength(366));

const chain = z.array(ReviewLevelSchema).check(z.minLength(1), z.maxLength(2));

/**
 * A county's settings. Versioned as a whole (optimistic lock); the grading table carries its own version
 * so gradings can name the table they used. JSON-friendly: "above -Infinity" is written as a very low number.
 */
export const TenantSettingsSchema = described(
  z.strictObject({
    grading: GradingTableSchema,
    /** Who must approve a filing, per colour, in order. Default: blue and yellow end at the township. */
    reviewChains: z.strictObject({ red: chain, orange: chain, yellow: chain, blue: chain, ungraded: chain }),
    /** Days between patrols of a risk point by colour; every unit at least every `unitMaximumDays`. */
    patrolFrequencyDays: z.strictObject({
      red: z.number().check(z.int(), z.minimum(1), z.maximum(366)),
      orange: z.number().check(z.int(), z.minimum(1), z.maximum(366)),
      yellow: z.number().check(z.int(), z.minimum(1), z.maximum(366)),
      blue: z.number().check(z.int(), z.minimum(1), z.maximum(366)),
      unitMaximumDays: z.number().check(z.int(), z.minimum(1), z.maximum(366)),
    }),
    /** Rectification deadlines in working days by severity. */
    hazardDeadlineDays: z.strictObject({
      general: z.number().check(z.int(), z.minimum(1), z.maximum(366)),
      major: z.number().check(z.int(), z.minimum(1), z.maximum(366)),
    }),
    /** Patrol positions further than this from the point are flagged. */
    patrolDistanceFlagMeters: z.number().check(z.int(), z.minimum(10), z.maximum(100_000)),
    /**
     * Days between patrols of a unit by its supervision level (who inspects it); a unit is patrolled at the
     * shortest of this, its worst risk point's colour and `unitMaximumDays`.
     */
    patrolSupervisionLevelDays: z._default(
      z.strictObject({
        county: z.number().check(z.int(), z.minimum(1), z.maximum(366)),
        township: z.number().check(z.int(), z.minimum(1), z.maximum(366)),
        village: z.number().check(z.int(), z.minimum(1), z.maximum(366)),
      }),
      { county: 30, township: 30, village: 30 },
    ),
    /** After each escalation step a hazard gets this many working days before the next level is involved. */
    escalationGraceDays: z._default(z.number().check(z.int(), z.minimum(1), z.maximum(366)), 7),
    /**
     * Separation of duties. Nobody approves a filing they created or submitted, nor verifies a rectification
     * they reported; a county whose townships have one officer may let that officer do both at the township
     * step, and every such step is audited `singlePerson: true`. Absent (counties set up before) = false.
     */
    reviews: z._default(z.strictObject({ allowSinglePersonTownship: z.boolean() }), {
      allowSinglePersonTownship: false,
    }),
    /**
     * Login rules (MLPS level 3). Absent in counties saved before they existed: the defaults apply, no TOTP
     * demanded and 30 idle minutes (docs/decisions.md, "Idle sessions").
     */
    security: z._default(
      z.strictObject({
        requireTotpForAdmins: z._default(z.boolean(), false),
        idleMinutes: z._default(z.number().check(z.int(), z.minimum(5), z.maximum(480)), 30),
      }),
      { requireTotpForAdmins: false, idleMinutes: 30 },
    ),
    /** The base map (map-settings.ts); absent in counties saved before it existed: no county tiles. */
    map: MapSettingsField,
    /** Weights and deductions of the scored assessment (assessment-scoring.ts); absent before: the defaults. */
    assessment: AssessmentScoringField,
    /**
     * The county's adjustments to the vendor's holiday calendar (working-days.ts): deadlines and escalation count
     * working days. Absent in counties saved before it existed: none.
     */
    workingCalendar: z._default(z.strictObject({ extraHolidays: dayList, extraWorkingDays: dayList }), {
      extraHolidays: [],
      extraWorkingDays: [],
    }),
    /**
     * What the county's enforcement documents' numbers start with (太应急 → 太应急现检〔2026〕7号); absent: 应急
     * (inspection.ts, DEFAULT_DOCUMENT_PREFIX).
     */
    inspectionDocumentPrefix: z.optional(textField(20)),
  }),
  { id: 'TenantSettings' },
);
export type TenantSettings = z.infer<typeof TenantSettingsSchema>;

export const DEFAULT_SETTINGS: TenantSettings = {
  grading: {
    ...DEFAULT_GRADING_TABLE,
    LEC: withFloor(DEFAULT_GRADING_TABLE.LEC),
    LS: withFloor(DEFAULT_GRADING_TABLE.LS),
  },
  reviewChains: {
    red: ['township', 'county'],
    orange: ['township', 'county'],
    yellow: ['township'],
    blue: ['township'],
    ungraded: ['township'],
  },
  // Nanjing's practice: red weekly, orange fortnightly, yellow monthly, blue quarterly, every unit monthly.
  patrolFrequencyDays: { red: 7, orange: 14, yellow: 30, blue: 90, unitMaximumDays: 30 },
  hazardDeadlineDays: { general: 30, major: 90 },
  patrolDistanceFlagMeters: 500,
  patrolSupervisionLevelDays: { county: 30, township: 30, village: 30 },
  escalationGraceDays: 7,
  reviews: { allowSinglePersonTownship: false },
  security: { requireTotpForAdmins: false, idleMinutes: 30 },
  map: DEFAULT_MAP_SETTINGS,
  assessment: DEFAULT_ASSESSMENT_SCORING,
  workingCalendar: { extraHolidays: [], extraWorkingDays: [] },
};

/** JSON has no -Infinity; the catch-all band is "above -1e9", far below any score. */
function withFloor<T extends { above: number }>(bands: T[]): T[] {
  return bands.map((band) => (Number.isFinite(band.above) ? band : { ...band, above: -1e9 }));
}
