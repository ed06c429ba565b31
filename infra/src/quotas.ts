/**
 * The per-account and per-region quotas one cell touches, counted from its synthesized templates
 * (`npm run synth -- --counties <n>`, docs/deploy.md "Quotas"). A cell is one account and one region, so every
 * account-wide and region-wide quota is the cell's alone. Each quota names its default and where AWS says so;
 * a cell whose account has had a quota raised says so in its configuration (`quotas` in cells.json) rather than
 * by editing the defaults.
 */

/** One CloudFormation template as synthesized, with its stack's name. */
export interface SynthesizedStack {
  name: string;
  /** Whether it is one county's stack (the rest are the cell's own: shared, platform). */
  county: boolean;
  template: {
    Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
    Parameters?: Record<string, { Type?: string; Default?: unknown }>;
  };
}

export interface Quota {
  id: string;
  what: string;
  scope: 'account' | 'region' | 'api' | 'stack' | 'county stack';
  default: number;
  adjustable: boolean;
  source: string;
  /** How much of it the cell uses; for a per-API or per-stack quota, the largest use of any one. */
  used(stacks: SynthesizedStack[]): number;
}

export interface QuotaUse {
  id: string;
  what: string;
  scope: Quota['scope'];
  used: number;
  limit: number;
  adjustable: boolean;
  source: string;
  exceeded: boolean;
}

const resourcesOf = (stack: SynthesizedStack) => Object.values(stack.template.Resources ?? {});
const count = (stacks: SynthesizedStack[], type: string) =>
  stacks.reduce((sum, stack) => sum + resourcesOf(stack).filter((r) => r.Type === type).length, 0);
/**
 * The API a route or integration belongs to: a `Ref` to a resource of its own stack names that stack's API; a
 * `Ref` to an SSM-backed template parameter names the API whose id the parameter holds (the cell router, the same
 * API in every county stack).
 */
function apiOf(stack: SynthesizedStack, apiId: unknown): string {
  const ref = (apiId as { Ref?: string } | undefined)?.Ref;
  if (ref === undefined) return JSON.stringify(apiId ?? null);
  const parameter = stack.template.Parameters?.[ref];
  if (parameter?.Type?.startsWith('AWS::SSM::Parameter::Value') && typeof parameter.Default === 'string') {
    return `ssm:${parameter.Default}`;
  }
  return `${stack.name}:${ref}`;
}

/** The largest number of resources of `type` that belong to any one API, across the cell's stacks. */
const largestPerApi = (stacks: SynthesizedStack[], type: string) => {
  const perApi = new Map<string, number>();
  for (const stack of stacks) {
    for (const resource of resourcesOf(stack).filter((r) => r.Type === type)) {
      const key = apiOf(stack, resource.Properties?.ApiId);
      perApi.set(key, (perApi.get(key) ?? 0) + 1);
    }
  }
  return Math.max(0, ...perApi.values());
};

const API_GATEWAY_HTTP = 'https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html';

export const CELL_QUOTAS: Quota[] = [
  {
    id: 'cloudformation-stacks',
    what: 'CloudFormation stacks',
    scope: 'region',
    default: 2000,
    adjustable: true,
    source: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html',
    used: (stacks) => stacks.length,
  },
  {
    id: 'cloudformation-resources-per-stack',
    what: 'resources in one stack',
    scope: 'stack',
    default: 500,
    adjustable: false,
    source: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html',
    used: (stacks) => Math.max(0, ...stacks.map((stack) => resourcesOf(stack).length)),
  },
  {
    id: 'iam-roles',
    what: 'IAM roles',
    scope: 'account',
    default: 1000,
    adjustable: true,
    source: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html',
    used: (stacks) => count(stacks, 'AWS::IAM::Role'),
  },
  {
    id: 'eventbridge-rules-per-bus',
    what: 'EventBridge rules on the default event bus',
    scope: 'region',
    default: 300,
    adjustable: true,
    source: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html',
    used: (stacks) => count(stacks, 'AWS::Events::Rule'),
  },
  {
    id: 'scheduler-schedules',
    what: 'EventBridge Scheduler schedules',
    scope: 'region',
    // 10,000,000 in the current guide; 1,000,000 is what older accounts and the China regions were given.
    default: 1_000_000,
    adjustable: true,
    source: 'https://docs.aws.amazon.com/scheduler/latest/UserGuide/scheduler-quotas.html',
    used: (stacks) => count(stacks, 'AWS::Scheduler::Schedule'),
  },
  {
    id: 'scheduler-groups',
    what: 'EventBridge Scheduler schedule groups',
    scope: 'region',
    default: 500,
    adjustable: true,
    source: 'https://docs.aws.amazon.com/scheduler/latest/UserGuide/scheduler-quotas.html',
    used: (stacks) => count(stacks, 'AWS::Scheduler::ScheduleGroup'),
  },
  {
    id: 'apigateway-apis',
    what: 'API Gateway APIs',
    scope: 'region',
    // HTTP APIs publish no count of their own; REST's 600 regional APIs per region is the figure we plan with.
    default: 600,
    adjustable: false,
    source:
      'https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-execution-service-limits-table.html',
    used: (stacks) => count(stacks, 'AWS::ApiGatewayV2::Api'),
  },
  {
    id: 'apigateway-routes-per-api',
    what: 'routes of one HTTP API (the cell router has one per county)',
    scope: 'api',
    default: 300,
    adjustable: true,
    source: API_GATEWAY_HTTP,
    used: (stacks) => largestPerApi(stacks, 'AWS::ApiGatewayV2::Route'),
  },
  {
    id: 'apigateway-integrations-per-api',
    what: 'integrations of one HTTP API (the cell router has one per county)',
    scope: 'api',
    default: 300,
    adjustable: false,
    source: API_GATEWAY_HTTP,
    used: (stacks) => largestPerApi(stacks, 'AWS::ApiGatewayV2::Integration'),
  },
  {
    id: 'apigateway-api-mappings-per-domain',
    what: 'multi-level API mappings of one custom domain',
    scope: 'api',
    default: 200,
    adjustable: false,
    source: API_GATEWAY_HTTP,
    used: (stacks) => count(stacks, 'AWS::ApiGatewayV2::ApiMapping'),
  },
  {
    id: 'lambda-concurrency',
    what: 'Lambda concurrency reserved, plus the 100 Lambda keeps unreserved',
    scope: 'region',
    default: 1000,
    adjustable: true,
    source: 'https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html',
    used: (stacks) =>
      100 +
      stacks.reduce(
        (sum, stack) =>
          sum +
          resourcesOf(stack)
            .filter((r) => r.Type === 'AWS::Lambda::Function')
            .reduce((s, r) => s + Number(r.Properties?.ReservedConcurrentExecutions ?? 0), 0),
        0,
      ),
  },
  {
    id: 'logs-log-groups',
    what: 'CloudWatch Logs log groups',
    scope: 'region',
    default: 1_000_000,
    adjustable: true,
    source: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html',
    used: (stacks) => count(stacks, 'AWS::Logs::LogGroup'),
  },
  {
    id: 'alarms-per-county-stack',
    what: 'CloudWatch alarms of one county stack (alarms are the cell’s, over all counties)',
    scope: 'county stack',
    // Not an AWS quota: the cell's own rule (docs/deploy.md "Alarms per cell"), checked like one.
    default: 0,
    adjustable: false,
    source: 'docs/deploy.md, "Alarms per cell"',
    used: (stacks) =>
      Math.max(0, ...stacks.filter((s) => s.county).map((s) => count([s], 'AWS::CloudWatch::Alarm'))),
  },
  {
    id: 'rules-per-county-stack',
    what: 'EventBridge rules of one county stack (schedules are on Scheduler)',
    scope: 'county stack',
    default: 0,
    adjustable: false,
    source: 'docs/deploy.md, "What gets deployed" (Scheduler, not rules)',
    used: (stacks) =>
      Math.max(0, ...stacks.filter((s) => s.county).map((s) => count([s], 'AWS::Events::Rule'))),
  },
];

/** Each quota against its use; `raised` holds the limits a cell's account has had raised, by quota id. */
export function checkQuotas(
  stacks: SynthesizedStack[],
  raised: Record<string, number> = {},
  quotas: Quota[] = CELL_QUOTAS,
): QuotaUse[] {
  return quotas.map((quota) => {
    const limit = raised[quota.id] ?? quota.default;
    const used = quota.used(stacks);
    return {
      id: quota.id,
      what: quota.what,
      scope: quota.scope,
      used,
      limit,
      adjustable: quota.adjustable,
      source: quota.source,
      exceeded: used > limit,
    };
  });
}

/** A Markdown table of the check, as `npm run synth -- --counties <n>` prints it. */
export function formatQuotaUse(uses: QuotaUse[]): string {
  const rows = uses.map((use) => [
    use.what,
    use.scope,
    use.used.toLocaleString('en'),
    use.limit.toLocaleString('en'),
    use.limit === 0 ? '-' : `${Math.round((use.used / use.limit) * 100)} %`,
    use.adjustable ? 'yes' : 'no',
    use.exceeded ? 'EXCEEDED' : 'ok',
  ]);
  const header = ['quota', 'per', 'used', 'limit', 'share', 'adjustable', ''];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(' | ')} |`;
  return [
    line(header),
    `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
}
