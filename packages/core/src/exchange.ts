import type { Alert } from './alert.ts';
import type { Hazard } from './hazard.ts';
import type { RiskPoint } from './risk-point.ts';

/**
 * What other platforms (a province's 双重预防 platform, a city's 监管通) are given of a county's records: the
 * export feed (`GET /exchange/feed`) and the `data` of webhook deliveries carry these same shapes, so a receiver
 * parses one. Fields for the public record, never photos' storage keys, phone numbers or the review trail.
 * docs/exchange.md documents every field.
 */
/** What every record of the feed carries: which one, its version and change time, and where it sits. */
interface ExchangeRecord {
  id: string;
  version: number;
  updatedAt: string;
  unitId: string;
  unitName: string;
  industry: string;
  gridId: string;
  gridPath: string;
  departmentId?: string;
}

export interface ExchangeRiskPoint extends ExchangeRecord {
  kind: 'risk-point';
  status: RiskPoint['status'];
  name: string;
  location: { lat: number; lng: number };
  address?: string;
  color: RiskPoint['color'];
  /** The grading behind the colour: method and score (LEC / LS / MES…), when one was made. */
  assessment?: RiskPoint['assessment'];
  hazardFactors: string[];
  accidentTypes: string[];
  controlMeasures: string[];
  emergencyMeasures: string[];
  createdAt: string;
}

export interface ExchangeHazard extends ExchangeRecord {
  kind: 'hazard';
  status: Hazard['status'];
  title: string;
  description?: string;
  severity: Hazard['severity'];
  level: Hazard['level'];
  riskPointId?: string;
  source: Hazard['source'];
  location?: { lat: number; lng: number };
  deadline: string;
  overdue: boolean;
  supervised: boolean;
  reportedAt: string;
  rectifiedAt?: string;
  closedAt?: string;
}

const optional = <K extends string, V>(key: K, value: V | undefined) =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;

function exchangeRecord(record: ExchangeRecord): ExchangeRecord {
  return {
    id: record.id,
    version: record.version,
    updatedAt: record.updatedAt,
    unitId: record.unitId,
    unitName: record.unitName,
    industry: record.industry,
    gridId: record.gridId,
    gridPath: record.gridPath,
    ...optional('departmentId', record.departmentId),
  };
}

export function exchangeRiskPoint(point: RiskPoint): ExchangeRiskPoint {
  return {
    kind: 'risk-point',
    ...exchangeRecord(point),
    status: point.status,
    name: point.name,
    location: point.location,
    ...optional('address', point.address),
    color: point.color,
    ...optional('assessment', point.assessment),
    hazardFactors: point.hazardFactors,
    accidentTypes: point.accidentTypes,
    controlMeasures: point.controlMeasures,
    emergencyMeasures: point.emergencyMeasures,
    createdAt: point.createdAt,
  };
}

export function exchangeHazard(hazard: Hazard): ExchangeHazard {
  return {
    kind: 'hazard',
    ...exchangeRecord(hazard),
    status: hazard.status,
    title: hazard.title,
    ...optional('description', hazard.description),
    severity: hazard.severity,
    level: hazard.level,
    ...optional('riskPointId', hazard.riskPointId),
    source: hazard.source,
    ...optional('location', hazard.location),
    deadline: hazard.deadline,
    overdue: hazard.overdue,
    supervised: hazard.supervised,
    reportedAt: hazard.createdAt,
    ...optional('rectifiedAt', hazard.rectifiedAt),
    ...optional('closedAt', hazard.closedAt),
  };
}

/** An alert as a webhook's `alert.created` carries it. */
export function exchangeAlert(alert: Alert) {
  return {
    id: alert.id,
    sourceId: alert.sourceId,
    sourceName: alert.sourceName,
    eventId: alert.eventId,
    kind: alert.kind,
    level: alert.level,
    message: alert.message,
    observedAt: alert.observedAt,
    receivedAt: alert.receivedAt,
    ...optional('unitId', alert.unitId),
    ...optional('unitName', alert.unitName),
    ...optional('riskPointId', alert.riskPointId),
    ...optional('location', alert.location),
    gridPath: alert.gridPath,
    ...optional('departmentId', alert.departmentId),
  };
}
