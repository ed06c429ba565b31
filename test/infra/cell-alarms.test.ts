import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { testCellStage } from '../support/test-cell.ts';

/** Every template of a cell with `counties` synthetic counties, the control plane included. */
function cellTemplates(counties: number): Template[] {
  const stage = testCellStage({
    id: 'scale-1',
    tenants: Array.from({ length: counties }, (_, index) => ({ id: `county${index}` })),
  });
  return [stage.shared, stage.platform!, ...stage.tenants.values()].map((stack) => Template.fromStack(stack));
}

type AlarmResource = { Properties: Record<string, unknown> };

function alarmsOf(templates: Template[]): AlarmResource[] {
  return templates.flatMap(
    (template) => Object.values(template.findResources('AWS::CloudWatch::Alarm')) as AlarmResource[],
  );
}

const oneCounty = alarmsOf(cellTemplates(1));

/** Alarms on a Metrics Insights query (the others watch one metric, or a sum of a few, of the cell itself). */
function queryAlarms(alarms: AlarmResource[]): AlarmResource[] {
  return alarms.filter((alarm) =>
    ((alarm.Properties.Metrics ?? []) as { Expression?: string }[]).some((metric) =>
      metric.Expression?.startsWith('SELECT '),
    ),
  );
}

describe("a cell's alarms", () => {
  it('do not grow with the number of counties', () => {
    const twelveCounties = alarmsOf(cellTemplates(12));
    expect(twelveCounties).toHaveLength(oneCounty.length);
    expect(twelveCounties.map((alarm) => alarm.Properties.AlarmName).sort()).toEqual(
      oneCounty.map((alarm) => alarm.Properties.AlarmName).sort(),
    );
    // The table's two, user administration's, the control plane's two and the four over every county.
    expect(oneCounty.length).toBeLessThanOrEqual(10);
  });

  it('watch every county with one Metrics Insights query per signal, grouped so the notification names the county', () => {
    const queries = new Map(
      queryAlarms(oneCounty).map((alarm) => {
        const [metric] = alarm.Properties.Metrics as { Expression: string; Period: number }[];
        return [alarm.Properties.AlarmName as string, metric!];
      }),
    );
    expect([...queries.keys()].sort()).toEqual([
      'gridsafe-county-api-5xx',
      'gridsafe-county-api-slow',
      'gridsafe-county-function-errors',
      'gridsafe-county-throttles',
    ]);
    for (const [name, { Expression, Period }] of queries) {
      expect(Expression, name).toMatch(
        /^SELECT SUM\(\w+\) FROM SCHEMA\(.+\) GROUP BY (County|FunctionName) /,
      );
      expect(Period, name).toBe(300);
    }
    expect(queries.get('gridsafe-county-api-5xx')!.Expression).toContain('FROM SCHEMA(Gridsafe, County)');
    expect(queries.get('gridsafe-county-function-errors')!.Expression).toContain(
      'FROM SCHEMA("AWS/Lambda", FunctionName)',
    );
  });

  it('send critical alarms to the paging topic and warnings to the working-hours topic, on firing and recovery', () => {
    const topicOf = (alarm: AlarmResource) => JSON.stringify(alarm.Properties.AlarmActions);
    for (const alarm of queryAlarms(oneCounty)) {
      const description = alarm.Properties.AlarmDescription as string;
      const severity = /^\[(critical|warning)\]/.exec(description)?.[1];
      expect(severity, description).toBeDefined();
      expect(topicOf(alarm)).toContain(severity === 'critical' ? 'Alarms' : 'Warnings');
      expect(alarm.Properties.OKActions).toEqual(alarm.Properties.AlarmActions);
    }
  });
});
