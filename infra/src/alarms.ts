import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';

/** Every alarm looks at five-minute sums unless it says otherwise: counties are small, minutes are noisy. */
export const ALARM_PERIOD = Duration.minutes(5);

export interface GridsafeAlarmProps {
  /** Also the alarm's name, prefixed `gridsafe-`, so an operator's phone shows which county and what. */
  name: string;
  description: string;
  metric: cloudwatch.IMetric;
  threshold: number;
  evaluationPeriods?: number;
  datapointsToAlarm?: number;
  comparisonOperator?: cloudwatch.ComparisonOperator;
  treatMissingData?: cloudwatch.TreatMissingData;
}

/** An alarm that notifies the cell's alarm topic when it fires and when it recovers. */
export function addAlarm(
  scope: Construct,
  id: string,
  topic: sns.ITopic,
  props: GridsafeAlarmProps,
): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(scope, id, {
    alarmName: `gridsafe-${props.name}`,
    alarmDescription: props.description,
    metric: props.metric,
    threshold: props.threshold,
    evaluationPeriods: props.evaluationPeriods ?? 1,
    datapointsToAlarm: props.datapointsToAlarm ?? props.evaluationPeriods ?? 1,
    comparisonOperator:
      props.comparisonOperator ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: props.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  const action = new SnsAction(topic);
  alarm.addAlarmAction(action);
  alarm.addOkAction(action);
  return alarm;
}
