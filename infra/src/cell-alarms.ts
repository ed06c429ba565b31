import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { ALARM_PERIOD } from './alarms.ts';
import { METRICS_NAMESPACE } from './node-function.ts';

/** The county's functions are named after it, so Lambda's `FunctionName` dimension names the county. */
export type CountyJob = 'api' | 'escalation' | 'assessment' | 'registers';

export function countyFunctionName(tenant: string, job: CountyJob): string {
  return `gridsafe-${tenant}-${job}`;
}

/**
 * Counted from each county API's access log by a metric filter (tenant-stack.ts), with the county as the only
 * dimension. A filter publishes only when a line matches, and CloudWatch bills a custom metric only for the hours
 * it is published in, so a county without server errors or slow requests costs nothing here.
 */
export const COUNTY_DIMENSION = 'County';
export const API_SERVER_ERRORS_METRIC = 'ApiServerErrors';
export const API_SLOW_REQUESTS_METRIC = 'ApiSlowRequests';
/** A request is slow when the gateway answered it after 3 s or more. */
export const SLOW_REQUEST_MS = 3000;
/**
 * `latencyMs` of 3,000 or more. The access log writes it as a string, which a numeric comparison in a filter
 * pattern never matches, so the filter matches its digits: four starting 3–9, or five and more.
 */
export const SLOW_LATENCY_PATTERN = '^([3-9][0-9]{3}|[1-9][0-9]{4,})$';

export type AlarmSeverity = 'critical' | 'warning';

export interface CountyQueryAlarm {
  name: string;
  severity: AlarmSeverity;
  description: string;
  /** A Metrics Insights query that groups by the county (or the county's function): one contributor per county. */
  query: string;
  threshold: number;
  evaluationPeriods?: number;
  datapointsToAlarm?: number;
}

/**
 * The cell's alarms over its counties: one alarm per signal whatever the number of counties. Each is a Metrics
 * Insights query grouped by county, which CloudWatch evaluates per group (a multi-time-series alarm), so the
 * notification names the county (`FunctionName` gridsafe-<county>-<job>, or `County`) that crossed the threshold.
 */
export const COUNTY_ALARMS: readonly CountyQueryAlarm[] = [
  {
    name: 'county-function-errors',
    severity: 'critical',
    description:
      'A county function failed in two of the last three 5-minute periods (API crashes or timeouts, a failing ' +
      'escalation sweep: overdue hazards not raised, or a failed nightly assessment). The contributor names the ' +
      'function, gridsafe-<county>-<job>.',
    query:
      'SELECT SUM(Errors) FROM SCHEMA("AWS/Lambda", FunctionName) GROUP BY FunctionName ORDER BY SUM() DESC',
    threshold: 1,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
  },
  {
    name: 'county-api-5xx',
    severity: 'critical',
    description:
      'A county API answered five or more server errors in 5 minutes. The contributor names the county.',
    query: `SELECT SUM(${API_SERVER_ERRORS_METRIC}) FROM SCHEMA(${METRICS_NAMESPACE}, ${COUNTY_DIMENSION}) GROUP BY ${COUNTY_DIMENSION} ORDER BY SUM() DESC`,
    threshold: 5,
  },
  {
    name: 'county-api-slow',
    severity: 'warning',
    description: `A county API answered ten or more requests in each 5-minute period after ${SLOW_REQUEST_MS / 1000} s or more, three periods running. The contributor names the county.`,
    query: `SELECT SUM(${API_SLOW_REQUESTS_METRIC}) FROM SCHEMA(${METRICS_NAMESPACE}, ${COUNTY_DIMENSION}) GROUP BY ${COUNTY_DIMENSION} ORDER BY SUM() DESC`,
    threshold: 10,
    evaluationPeriods: 3,
  },
  {
    name: 'county-throttles',
    severity: 'warning',
    description:
      "A function was refused by Lambda: the cell's concurrency is exhausted, or a county's nightly assessment was " +
      'sent again while it still ran (its reserved concurrency is 1). The contributor names the function.',
    query:
      'SELECT SUM(Throttles) FROM SCHEMA("AWS/Lambda", FunctionName) GROUP BY FunctionName ORDER BY SUM() DESC',
    threshold: 1,
  },
];

/**
 * Creates the cell's county alarms, routed by severity: critical to the topic someone is paged from, warnings to
 * one read in working hours. Both hear when an alarm recovers.
 */
export function addCountyAlarms(
  scope: Construct,
  topics: Readonly<Record<AlarmSeverity, sns.ITopic>>,
): cloudwatch.CfnAlarm[] {
  return COUNTY_ALARMS.map((alarm) => {
    const topicArn = topics[alarm.severity].topicArn;
    const evaluationPeriods = alarm.evaluationPeriods ?? 1;
    return new cloudwatch.CfnAlarm(scope, `${pascalCase(alarm.name)}Alarm`, {
      alarmName: `gridsafe-${alarm.name}`,
      alarmDescription: `[${alarm.severity}] ${alarm.description}`,
      metrics: [{ id: 'q1', expression: alarm.query, period: ALARM_PERIOD.toSeconds(), returnData: true }],
      threshold: alarm.threshold,
      evaluationPeriods,
      datapointsToAlarm: alarm.datapointsToAlarm ?? evaluationPeriods,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmActions: [topicArn],
      okActions: [topicArn],
    });
  });
}

function pascalCase(name: string): string {
  return name.replace(/(^|-)([a-z0-9])/g, (_, __, letter: string) => letter.toUpperCase());
}
