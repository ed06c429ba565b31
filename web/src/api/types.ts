/**
 * Shapes of what the county API answers. The types come from the domain package (type-only imports: nothing
 * of it is bundled); anything the API adds that core does not model is declared here.
 */
export type {
  Assessment,
  AuditEvent,
  Color,
  Department,
  EscalationLevel,
  GradingTable,
  GridLevel,
  GridNode,
  GridStats,
  HazardSeverity,
  HazardStatus,
  Photo,
  QuarterlyAssessment,
  RiskPoint,
  RiskPointStatus,
  Role,
  TenantSettings,
  Unit,
  User,
} from '@gridsafe/core';

/** One risk point as GET /risk-points/{id} answers it: with the review steps the caller may take now. */
export type RiskPointView = import('@gridsafe/core').RiskPoint & {
  allowedActions?: import('@gridsafe/core').RiskPointTransition[];
};

export type HazardAction = import('@gridsafe/core').HazardAction;

/** A hazard work order as the API answers it: with the steps the caller may take on it now. */
export type Hazard = import('@gridsafe/core').Hazard & {
  allowedActions?: HazardAction[];
  /** On one hazard: working days to its deadline (negative when past), by the county's calendar. */
  workingDaysLeft?: number;
};

/** An enforcement inspection as the API answers it: whether its follow-up is due, and what the caller may do. */
export type Inspection = import('@gridsafe/core/inspection').Inspection & {
  followUpDue: boolean;
  allowedActions?: import('@gridsafe/core/inspection').InspectionAction[];
};

/** A patrol task; the API adds whether it is past due and still not done. */
export type Patrol = import('@gridsafe/core').Patrol & { overdue: boolean };

/** GET/PUT /settings: the county's settings as a whole, with the version to send back. */
export interface SettingsAnswer {
  settings: import('@gridsafe/core').TenantSettings;
  version: number;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface SessionUser {
  id: string;
  username: string;
  role: import('@gridsafe/core').Role;
  scope: string[];
}

export interface SessionAnswer {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: SessionUser;
}

export interface FieldProblem {
  path: string;
  message: string;
}

/** RFC 9457 problem+json as the API sends it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldProblem[];
  requestId?: string;
}

export type ChainVerdict =
  | { intact: true; length: number }
  | { intact: false; brokenAt: number; reason: string };

export interface AuditTrail {
  items: import('@gridsafe/core').AuditEvent[];
  chain: ChainVerdict;
}

export interface IndustrySummary {
  code: string;
  name: string;
  templateCount: number;
}

export interface IndustryList {
  vendorVersion: string;
  countyVersion: number;
  items: IndustrySummary[];
}

export type KnowledgeIndustry = import('@gridsafe/core').KnowledgeIndustry;

export interface UnitImportResult {
  encoding: string;
  summary: { total: number; created: number; updated: number; unchanged: number; rejected: number };
  rows: {
    line: number;
    status: 'created' | 'updated' | 'unchanged' | 'rejected';
    unitId?: string;
    creditCode?: string;
    errors?: FieldProblem[];
  }[];
}

/** GET /statistics: one place's figures for a period, the paragraph reported upward, and a row per grid or department. */
export type Statistics = import('@gridsafe/core').StatisticsFigures & {
  from: string;
  to: string;
  grid: { id: string; name: string; level: string };
  department?: { id: string; name: string };
  by: 'grid' | 'department';
  exactFrom?: string;
  summary: string;
  rows: (import('@gridsafe/core').StatisticsFigures & {
    kind: 'grid' | 'department';
    id: string;
    name: string;
  })[];
};

/** GET /public/risk-points/{id}: the notice board anyone may read. */
export type PublicNoticeBoard = import('@gridsafe/core').PublicNoticeBoard;

/** A unit as the API answers it: its status always, and on the unit itself the statuses the caller may set. */
export type UnitView = import('@gridsafe/core').Unit & {
  status: import('@gridsafe/core').UnitStatus;
  allowedStatuses?: import('@gridsafe/core').UnitStatus[];
  /** The credit badge, when the list was asked for it (`include=credit`) or filtered by level. */
  credit?: { level: CreditLevel; score: number };
};

export type CreditLevel = import('@gridsafe/core').CreditLevel;
export type CreditRating = import('@gridsafe/core').CreditRating;
/** GET /units/{id}/credit: the rating in force (absent until first rated) and every past one, newest first. */
export interface UnitCreditView {
  unitId: string;
  current?: CreditRating & { version: number; patrolDays: number };
  history: CreditRating[];
}
/** The county's base map (part of its settings). */
export type MapSettings = import('@gridsafe/core').MapSettings;

/** One position of GET /map/points: a unit, or a risk point with its colour and status. */
export interface MapPoint {
  id: string;
  lat: number;
  lng: number;
  color?: import('@gridsafe/core').Color;
  status?: import('@gridsafe/core').RiskPointStatus;
  /** A unit's credit level, when asked for (`include=credit`). */
  credit?: import('@gridsafe/core').CreditLevel;
}
/** One child's outline from GET /grids/{id}/child-boundaries: the map draws the county's townships or a township's villages. */
export interface ChildBoundary {
  gridId: string;
  name: string;
  level: 'township' | 'village';
  geometry:
    | { type: 'Polygon'; coordinates: number[][][] }
    | { type: 'MultiPolygon'; coordinates: number[][][][] };
}
/** GET/PUT /notification-channels: the county's SMS and robot settings, with the version to send back. */
export interface ChannelsAnswer {
  channels: import('@gridsafe/core').NotificationChannels;
  version: number;
}
export type { Delivery, NotificationTopic, Robot } from '@gridsafe/core';

/** A row of GET /assessments: the figures, the deductions, the score and its rank among rows of its kind. */
export type ScoredRow = import('@gridsafe/core').ScoredRow;

/** GET /assessments: a quarter's (`quarter`) or a year's (`year`, `quarters` combined) scored assessment. */
export interface ScoredAssessment {
  quarter?: string;
  year?: string;
  quarters?: string[];
  start: string;
  end: string;
  computedAt: string;
  scoring: import('@gridsafe/core').AssessmentScoring;
  rows: ScoredRow[];
}

export type AssessmentAction = import('@gridsafe/core').AssessmentAction;
export type Workforce = import('@gridsafe/core').Workforce;
export type WorkforceRow = import('@gridsafe/core').WorkforceRow;
export type WorkforcePatrol = import('@gridsafe/core').WorkforcePatrol;

/** An emergency resource (队伍, 物资, 专家); `distanceKm` on a near search's answers. */
export interface EmergencyResource {
  id: string;
  kind: 'team' | 'supply' | 'expert';
  name: string;
  location: { lat: number; lng: number };
  address: string;
  gridId: string;
  gridPath: string;
  contact: { name: string; phone: string };
  members?: number;
  supplyType?: string;
  quantity?: number;
  unit?: string;
  speciality?: string;
  note?: string;
  distanceKm?: number;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** An emergency plan (应急预案) of a unit or a risk point, flagged once past its review date. */
export interface EmergencyPlan {
  id: string;
  unitId: string;
  unitName: string;
  riskPointId?: string;
  riskPointName?: string;
  title: string;
  planVersion: string;
  reviewDate: string;
  reviewOverdue: boolean;
  file: { id: string; contentType: string; size: number };
  uploadedBy: string;
  version: number;
  createdAt: string;
}
