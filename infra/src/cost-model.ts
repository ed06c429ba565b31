import { accessTokenSecondsFor } from '@gridsafe/core/contract';

/** A county's idle time until its admin changes it (core settings). */
const DEFAULT_IDLE_MINUTES = 30;

/**
 * The monthly cost of one county (`npm run cost`, docs/deploy.md "Cost model"), priced from the synthesized
 * templates: what a county stack and the cell's shared stack actually declare (function memory, schedules, the HTTP
 * APIs a request crosses, log retention, alarms, secrets, the backup plan's rules, the evidence bucket's lifecycle),
 * times a load profile whose DynamoDB calls and durations come from the benchmark (docs/performance.md), times the
 * list prices of the cell's region (infra/config/prices.json).
 */

type Resource = { Type: string; Properties?: Record<string, unknown> };
export interface Template {
  Resources?: Record<string, Resource>;
}

export interface RegionPrices {
  currency: 'USD' | 'CNY';
  lambdaArmGbSecond: number;
  lambdaRequestsPerMillion: number;
  httpApiRequestsPerMillion: number;
  dynamoWriteUnitsPerMillion: number;
  dynamoReadUnitsPerMillion: number;
  dynamoStorageGbMonth: number;
  dynamoPitrGbMonth: number;
  backupWarmGbMonth: number;
  backupColdGbMonth: number;
  s3StandardGbMonth: number;
  s3InfrequentGbMonth: number;
  s3GlacierInstantGbMonth: number;
  s3PutPerThousand: number;
  s3GetPerThousand: number;
  s3TransitionPerThousand: Record<string, number>;
  logsIngestGb: number;
  logsStoredGbMonth: number;
  alarmMetricMonth: number;
  schedulerInvocationsPerMillion: number;
  secretMonth: number;
  cognitoLiteMau: number;
  cognitoFreeMauPerPool: number;
}

export interface PriceBook {
  date: string;
  cnyPerUsd: number;
  smsCnyPerMessage: number;
  regions: Record<string, RegionPrices>;
}

/** One county's month of use. Durations and DynamoDB units per request are the benchmark's (see TAIHE). */
export interface LoadProfile {
  name: string;
  requestsPerMonth: number;
  /** Share of requests that read (lists, stats, record pages); the rest are transitions (writes). */
  readShare: number;
  readMs: number;
  writeMs: number;
  readUnitsPerRead: number;
  readUnitsPerWrite: number;
  writeUnitsPerWrite: number;
  /** Access-log line plus the function's lines (Lambda's START/END/REPORT and one JSON line). */
  logBytesPerRequest: number;
  tableGb: number;
  photosPerMonth: number;
  photoKb: number;
  photoViewsPerMonth: number;
  monthlyActiveUsers: number;
  smsPerMonth: number;
  /** Per run of each scheduled job: duration, DynamoDB read units and log bytes. */
  scheduled: Record<'escalation' | 'assessment', { ms: number; readUnits: number; logBytes: number }>;
  /**
   * Webhook delivery kicks: the API invokes the county's sweep function for the deliveries a write queued, at most
   * once per county per 2 s per API instance (functions/lib/lambda-delivery-kicker.ts). A run waits out the 3 s
   * window before it looks, then sends; `writeUnits` are its claim and record of each delivery.
   */
  deliveryKicks: { perMonth: number; ms: number; readUnits: number; writeUnits: number; logBytes: number };
  /**
   * Sign-ins and token refreshes, which go through the county API like any request (POST /session and
   * /session/refresh) and are not among `requestsPerMonth`. The web refreshes a minute before an access token
   * expires, so each sign-in brings `activeMinutes / (lifetime − 1)` refreshes; the lifetime is the cell's (its
   * pool client's, or a county directory's half of the idle time). A sign-in reads the lockout, the account, the
   * person's link and settings and writes the refresh record, the session record and the login log; a refresh
   * reads the session record, the refresh record and the account and rewrites the session record. The sign-in's
   * time is mostly the password hash (scrypt, or Cognito's answer).
   */
  sessions: {
    signInsPerMonth: number;
    activeMinutesPerSignIn: number;
    signInMs: number;
    refreshMs: number;
    readUnitsPerSignIn: number;
    writeUnitsPerSignIn: number;
    readUnitsPerRefresh: number;
    writeUnitsPerRefresh: number;
  };
}

/**
 * Taihe (太和县): 410 monthly users, 2,684 filed risk points, about 8,500 units. 300,000 API requests a month (410
 * people × 25 working days × about 30 requests: five list calls a page view). Read requests are the benchmark's list,
 * stats and record rows (docs/performance.md, issue 20 table: GetItem + Query, p50 26–180 ms against DynamoDB Local;
 * 100 ms taken), writes its transitions (GetItem + TransactWriteItems of five items, p50 183 ms). A strongly
 * consistent GetItem of a small item is 1 read unit; a page of 50 items of about 0.5 KB read eventually consistent is
 * 3.5; a transaction's five writes of under 1 KB are 2 write units each, and a write of a unit or risk point adds
 * its node's map change counter to the transaction (2 more) and its `map` index entry (1: docs/decisions.md, "The map
 * at a county's size").
 */
export const TAIHE: LoadProfile = {
  name: 'Taihe-sized county',
  requestsPerMonth: 300_000,
  readShare: 0.85,
  readMs: 100,
  writeMs: 183,
  readUnitsPerRead: 4.5,
  readUnitsPerWrite: 1,
  writeUnitsPerWrite: 13,
  logBytesPerRequest: 1_100,
  tableGb: 0.3,
  photosPerMonth: 2_000,
  photoKb: 300,
  photoViewsPerMonth: 10_000,
  monthlyActiveUsers: 410,
  smsPerMonth: 600,
  scheduled: {
    // 3 read units a run, and once an hour the map snapshot's refresh reads the county's whole snapshot (about 1 MB,
    // consistent: some 280 units with the grid paths), 23 a run when spread over the hour's 12; its rebuilds add
    // seconds to that one run.
    escalation: { ms: 400, readUnits: 26, logBytes: 600 },
    // Reads the county's units and risk points once a night: about 12 MB, eventually consistent.
    assessment: { ms: 30_000, readUnits: 1_500, logBytes: 2_000 },
  },
  // With webhooks subscribed to every event: some 600 filings, escalations, closures and alerts a month, in working
  // hours, one kick each (few are close enough to share one). A run: the 3 s wait, a Query of `due`, then one claim
  // (UpdateItem, 1 write unit) and one conditional Put (2 write units in a transaction) per delivery, and the POST.
  deliveryKicks: { perMonth: 600, ms: 3_400, readUnits: 1, writeUnits: 3, logBytes: 700 },
  // One sign-in per person and working day, about 45 minutes of use each (30 requests).
  sessions: {
    signInsPerMonth: 410 * 25,
    activeMinutesPerSignIn: 45,
    signInMs: 150,
    refreshMs: 30,
    readUnitsPerSignIn: 4,
    writeUnitsPerSignIn: 4,
    readUnitsPerRefresh: 3,
    writeUnitsPerRefresh: 1,
  },
};

/** A county nobody signs in to: only its schedules run, over a few MB of data. */
export const IDLE: LoadProfile = {
  name: 'idle county',
  requestsPerMonth: 0,
  readShare: 1,
  readMs: 0,
  writeMs: 0,
  readUnitsPerRead: 0,
  readUnitsPerWrite: 0,
  writeUnitsPerWrite: 0,
  logBytesPerRequest: 0,
  tableGb: 0.002,
  photosPerMonth: 0,
  photoKb: 0,
  photoViewsPerMonth: 0,
  monthlyActiveUsers: 0,
  smsPerMonth: 0,
  scheduled: {
    // The hourly map refresh of a county this small reads 3 units (grid paths, snapshot, county-wide counter).
    escalation: { ms: 60, readUnits: 1.25, logBytes: 550 },
    assessment: { ms: 1_000, readUnits: 2, logBytes: 1_000 },
  },
  // No write, no kick: a kick costs nothing while nobody writes (a one-minute schedule would be 43,200 runs).
  deliveryKicks: { perMonth: 0, ms: 0, readUnits: 0, writeUnits: 0, logBytes: 0 },
  sessions: {
    signInsPerMonth: 0,
    activeMinutesPerSignIn: 0,
    signInMs: 0,
    refreshMs: 0,
    readUnitsPerSignIn: 0,
    writeUnitsPerSignIn: 0,
    readUnitsPerRefresh: 0,
    writeUnitsPerRefresh: 0,
  },
};

export interface CostLine {
  item: string;
  usd: number;
  detail: string;
}

export interface CountyCost {
  profile: string;
  region: string;
  lines: CostLine[];
  total: number;
  /** SMS is passed through to the county at the provider's price, outside the total. */
  sms: CostLine;
}

export interface CostInput {
  county: Template;
  shared: Template;
  region: string;
  prices: PriceBook;
  profile: LoadProfile;
  /** Counties sharing the cell's fixed costs and its user pool's free tier. */
  cellCounties: number;
}

const MONTH_SECONDS = 30 * 86_400;
const GB = 1024 ** 3;

function resources(template: Template, type: string): Resource[] {
  return Object.values(template.Resources ?? {}).filter((resource) => resource.Type === type);
}

function logicalIdOf(template: Template, type: string, match: (r: Resource) => boolean): string | undefined {
  return Object.entries(template.Resources ?? {}).find(([, r]) => r.Type === type && match(r))?.[0];
}

/** The county's functions by job, from their fixed names `gridsafe-<county>-<job>`. */
export function countyFunctions(
  county: Template,
): Record<string, { id: string; memoryMb: number; arm: boolean }> {
  const found: Record<string, { id: string; memoryMb: number; arm: boolean }> = {};
  for (const [id, resource] of Object.entries(county.Resources ?? {})) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const name = resource.Properties?.FunctionName;
    if (typeof name !== 'string') continue;
    const job = name.split('-').at(-1)!;
    found[job] = {
      id,
      memoryMb: Number(resource.Properties?.MemorySize ?? 128),
      arm: JSON.stringify(resource.Properties?.Architectures ?? []).includes('arm64'),
    };
  }
  return found;
}

/** Invocations a month of a Scheduler expression: `rate(n minutes|hours|days)` or a daily `cron(...)`. */
export function invocationsPerMonth(expression: string): number {
  const rate = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression);
  if (rate) {
    const seconds = { minute: 60, hour: 3_600, day: 86_400 }[rate[2] as 'minute' | 'hour' | 'day'];
    return MONTH_SECONDS / (Number(rate[1]) * seconds);
  }
  const cron = /^cron\((\S+) (\S+) (\S+) (\S+) (\S+)/.exec(expression);
  if (cron) {
    const [, minute, hour, day] = cron;
    const perDay = (minute === '*' ? 60 : 1) * (hour === '*' ? 24 : 1);
    return day === '*' || day === '?' ? perDay * 30 : perDay;
  }
  throw new Error(`Unpriced schedule expression ${expression}`);
}

/** Each schedule of the county stack with the job it starts and how often. */
export function countySchedules(county: Template): { job: string; perMonth: number }[] {
  const jobs = countyFunctions(county);
  return resources(county, 'AWS::Scheduler::Schedule').map((schedule) => {
    const target = JSON.stringify(schedule.Properties?.Target ?? {});
    const job = Object.entries(jobs).find(([, fn]) => target.includes(`"${fn.id}"`))?.[0] ?? 'unknown';
    return { job, perMonth: invocationsPerMonth(String(schedule.Properties?.ScheduleExpression)) };
  });
}

/** HTTP APIs a browser's request crosses: the county's own, plus the cell router when the county has a route on it. */
export function httpApisPerRequest(county: Template): number {
  const own = logicalIdOf(county, 'AWS::ApiGatewayV2::Api', () => true);
  const foreignRoutes = resources(county, 'AWS::ApiGatewayV2::Route').filter(
    (route) => !JSON.stringify(route.Properties?.ApiId ?? '').includes(`"${own}"`),
  );
  return resources(county, 'AWS::ApiGatewayV2::Api').length + (foreignRoutes.length > 0 ? 1 : 0);
}

/** Months the county's API logs are kept (the longest retention of its log groups). */
export function logMonthsKept(county: Template): number {
  const days = resources(county, 'AWS::Logs::LogGroup').map((group) =>
    Number(group.Properties?.RetentionInDays ?? 0),
  );
  return Math.max(0, ...days) / 30;
}

/** Alarm metrics billed for a template's alarms: one per plain alarm, one per metric of a metric-math alarm. */
export function alarmMetrics(template: Template): number {
  return resources(template, 'AWS::CloudWatch::Alarm').reduce((sum, alarm) => {
    const metrics = alarm.Properties?.Metrics as { MetricStat?: unknown; Expression?: string }[] | undefined;
    if (!metrics) return sum + 1;
    const stats = metrics.filter((metric) => metric.MetricStat).length;
    return sum + Math.max(1, stats);
  }, 0);
}

/** Copies the backup plan keeps at a time, warm and cold, from its rules' schedules and lifecycles. */
export function backupCopies(shared: Template): { warm: number; cold: number } {
  let warm = 0;
  let cold = 0;
  for (const plan of resources(shared, 'AWS::Backup::BackupPlan')) {
    const rules =
      (plan.Properties?.BackupPlan as { BackupPlanRule?: Record<string, unknown>[] })?.BackupPlanRule ?? [];
    for (const rule of rules) {
      const lifecycle = (rule.Lifecycle ?? {}) as {
        DeleteAfterDays?: number;
        MoveToColdStorageAfterDays?: number;
      };
      const everyDays = invocationsPerMonth(String(rule.ScheduleExpression)) >= 28 ? 1 : 30;
      const keep = lifecycle.DeleteAfterDays ?? 0;
      const warmDays = Math.min(keep, lifecycle.MoveToColdStorageAfterDays ?? keep);
      warm += warmDays / everyDays;
      cold += (keep - warmDays) / everyDays;
    }
  }
  return { warm, cold };
}

/** The evidence bucket's tiering: days before photos move to IA and to Glacier Instant Retrieval. */
export function evidenceTiers(shared: Template): { toIa: number; toGlacierIr: number } {
  for (const bucket of resources(shared, 'AWS::S3::Bucket')) {
    const rules =
      (bucket.Properties?.LifecycleConfiguration as { Rules?: Record<string, unknown>[] })?.Rules ?? [];
    for (const rule of rules) {
      const transitions = rule.Transitions as
        | { StorageClass: string; TransitionInDays: number }[]
        | undefined;
      if (!transitions || !bucket.Properties?.ObjectLockEnabled) continue;
      const day = (storage: string) =>
        transitions.find((transition) => transition.StorageClass === storage)?.TransitionInDays ?? Infinity;
      return { toIa: day('STANDARD_IA'), toGlacierIr: day('GLACIER_IR') };
    }
  }
  throw new Error('No evidence bucket with a tiering rule in the shared template');
}

/** Years a photo is kept: the bucket's noncurrent-version retention, the span its Object Lock matches. */
export function evidenceYears(shared: Template): number {
  for (const bucket of resources(shared, 'AWS::S3::Bucket')) {
    if (!bucket.Properties?.ObjectLockEnabled) continue;
    const rules =
      (bucket.Properties?.LifecycleConfiguration as { Rules?: Record<string, unknown>[] })?.Rules ?? [];
    const days = rules
      .filter((rule) => !rule.Prefix)
      .map(
        (rule) =>
          (rule.NoncurrentVersionExpiration as { NoncurrentDays?: number } | undefined)?.NoncurrentDays ?? 0,
      );
    return Math.max(0, ...days) / 365;
  }
  return 0;
}

export function countyCost(input: CostInput): CountyCost {
  const { county, shared, profile: p, cellCounties } = input;
  const price = input.prices.regions[input.region];
  if (!price) throw new Error(`No prices for region ${input.region} in infra/config/prices.json`);
  const toUsd = (amount: number) => (price.currency === 'CNY' ? amount / input.prices.cnyPerUsd : amount);
  const lines: CostLine[] = [];
  const add = (item: string, amount: number, detail: string) =>
    lines.push({ item, usd: toUsd(amount), detail });

  const functions = countyFunctions(county);
  const api = functions.api;
  if (!api) throw new Error('The county template has no gridsafe-<county>-api function');
  const reads = p.requestsPerMonth * p.readShare;
  const writes = p.requestsPerMonth - reads;
  const apiGbSeconds = ((reads * p.readMs + writes * p.writeMs) / 1000) * (api.memoryMb / 1024);
  add(
    'API function',
    apiGbSeconds * price.lambdaArmGbSecond + (p.requestsPerMonth / 1e6) * price.lambdaRequestsPerMillion,
    `${Math.round(apiGbSeconds)} GB-s at ${api.memoryMb} MB, ${p.requestsPerMonth} requests`,
  );
  const hops = httpApisPerRequest(county);
  add(
    'HTTP API requests',
    ((p.requestsPerMonth * hops) / 1e6) * price.httpApiRequestsPerMillion,
    `${p.requestsPerMonth} requests × ${hops} HTTP APIs (county API${hops > 1 ? ' and cell router' : ''})`,
  );

  let scheduledLambda = 0;
  let scheduledReads = 0;
  let scheduledLogBytes = 0;
  let invocations = 0;
  for (const schedule of countySchedules(county)) {
    const fn = functions[schedule.job];
    const run = p.scheduled[schedule.job as 'escalation' | 'assessment'];
    if (!fn || !run) throw new Error(`A schedule starts ${schedule.job}, which the model does not price`);
    invocations += schedule.perMonth;
    scheduledLambda +=
      schedule.perMonth * (run.ms / 1000) * (fn.memoryMb / 1024) * price.lambdaArmGbSecond +
      (schedule.perMonth / 1e6) * price.lambdaRequestsPerMillion;
    scheduledReads += schedule.perMonth * run.readUnits;
    scheduledLogBytes += schedule.perMonth * run.logBytes;
  }
  add(
    'scheduled jobs (Lambda + Scheduler)',
    scheduledLambda + (invocations / 1e6) * price.schedulerInvocationsPerMillion,
    `${Math.round(invocations)} invocations a month`,
  );
  // The kicks run in the sweep function (its memory); the API's wait for Lambda to accept each is in writeMs.
  const kicks = p.deliveryKicks;
  const sweep = functions.escalation;
  if (kicks.perMonth > 0 && !sweep)
    throw new Error('Webhook kicks need the gridsafe-<county>-escalation function');
  add(
    'webhook delivery kicks (Lambda)',
    kicks.perMonth * (kicks.ms / 1000) * ((sweep?.memoryMb ?? 0) / 1024) * price.lambdaArmGbSecond +
      (kicks.perMonth / 1e6) * price.lambdaRequestsPerMillion,
    `${kicks.perMonth} asynchronous invocations a month of the sweep function, one per write that queues deliveries`,
  );
  scheduledLogBytes += kicks.perMonth * kicks.logBytes;

  const readUnits =
    reads * p.readUnitsPerRead +
    writes * p.readUnitsPerWrite +
    scheduledReads +
    kicks.perMonth * kicks.readUnits;
  const writeUnits = writes * p.writeUnitsPerWrite + kicks.perMonth * kicks.writeUnits;
  add(
    'DynamoDB requests',
    (readUnits / 1e6) * price.dynamoReadUnitsPerMillion +
      (writeUnits / 1e6) * price.dynamoWriteUnitsPerMillion,
    `${(readUnits / 1e6).toFixed(2)} M read units, ${(writeUnits / 1e6).toFixed(2)} M write units (on demand)`,
  );
  add(
    'DynamoDB storage and PITR',
    p.tableGb * (price.dynamoStorageGbMonth + price.dynamoPitrGbMonth),
    `${p.tableGb} GB`,
  );
  const copies = backupCopies(shared);
  add(
    'table backups (AWS Backup)',
    p.tableGb * (copies.warm * price.backupWarmGbMonth + copies.cold * price.backupColdGbMonth),
    `${p.tableGb} GB × ${copies.warm.toFixed(1)} warm + ${copies.cold.toFixed(1)} cold copies`,
  );

  const tiers = evidenceTiers(shared);
  const keptMonths = evidenceYears(shared) * 12;
  const monthly = (p.photosPerMonth * p.photoKb * 1024) / GB;
  const months = (fromDays: number, toDays: number) =>
    Math.max(0, Math.min(toDays / 30, keptMonths) - Math.min(fromDays / 30, keptMonths));
  const standardGb = monthly * months(0, tiers.toIa);
  const iaGb = monthly * months(tiers.toIa, tiers.toGlacierIr);
  const glacierGb = monthly * months(tiers.toGlacierIr, Infinity);
  const transitions =
    (p.photosPerMonth / 1000) *
    ((tiers.toIa < Infinity ? (price.s3TransitionPerThousand.STANDARD_IA ?? 0) : 0) +
      (tiers.toGlacierIr < Infinity ? (price.s3TransitionPerThousand.GLACIER_IR ?? 0) : 0));
  add(
    'evidence photos (S3)',
    standardGb * price.s3StandardGbMonth +
      iaGb * price.s3InfrequentGbMonth +
      glacierGb * price.s3GlacierInstantGbMonth +
      // A presigned PUT to pending/ and the locked copy to the county's prefix; the read-back check and each view.
      ((2 * p.photosPerMonth) / 1000) * price.s3PutPerThousand +
      ((p.photosPerMonth + p.photoViewsPerMonth) / 1000) * price.s3GetPerThousand +
      transitions,
    `${(standardGb + iaGb + glacierGb).toFixed(1)} GB held once ${Math.round(keptMonths / 12)} years are kept ` +
      `(${standardGb.toFixed(1)} Standard, ${iaGb.toFixed(1)} IA, ${glacierGb.toFixed(1)} Glacier IR)`,
  );

  const ingestGb = (p.requestsPerMonth * p.logBytesPerRequest + scheduledLogBytes) / GB;
  const keptLogMonths = logMonthsKept(county);
  add(
    'CloudWatch Logs',
    ingestGb * price.logsIngestGb + ingestGb * keptLogMonths * price.logsStoredGbMonth,
    `${ingestGb.toFixed(3)} GB a month ingested, kept ${Math.round(keptLogMonths)} months`,
  );
  const ownAlarms = alarmMetrics(county);
  add('county alarms', ownAlarms * price.alarmMetricMonth, `${ownAlarms} alarm metrics in the county stack`);

  const secrets = resources(shared, 'AWS::SecretsManager::Secret').length;
  const cellAlarms = alarmMetrics(shared);
  add(
    `share of the cell's fixed cost (1/${cellCounties})`,
    (secrets * price.secretMonth + cellAlarms * price.alarmMetricMonth) / cellCounties,
    `${secrets} secrets and ${cellAlarms} alarm metrics per cell`,
  );
  const lifetimeMinutes = accessTokenMinutes(shared);
  const s = p.sessions;
  const refreshes =
    s.signInsPerMonth * Math.floor(s.activeMinutesPerSignIn / Math.max(1, lifetimeMinutes - 1));
  const sessionRequests = s.signInsPerMonth + refreshes;
  const sessionGbSeconds =
    ((s.signInsPerMonth * s.signInMs + refreshes * s.refreshMs) / 1000) * (api.memoryMb / 1024);
  const sessionReads = s.signInsPerMonth * s.readUnitsPerSignIn + refreshes * s.readUnitsPerRefresh;
  const sessionWrites = s.signInsPerMonth * s.writeUnitsPerSignIn + refreshes * s.writeUnitsPerRefresh;
  const sessionLogGb = (sessionRequests * p.logBytesPerRequest) / GB;
  add(
    'sign-ins and token refreshes',
    sessionGbSeconds * price.lambdaArmGbSecond +
      (sessionRequests / 1e6) * (price.lambdaRequestsPerMillion + hops * price.httpApiRequestsPerMillion) +
      (sessionReads / 1e6) * price.dynamoReadUnitsPerMillion +
      (sessionWrites / 1e6) * price.dynamoWriteUnitsPerMillion +
      sessionLogGb * (price.logsIngestGb + keptLogMonths * price.logsStoredGbMonth),
    `${s.signInsPerMonth} sign-ins and ${refreshes} refreshes of ${lifetimeMinutes}-minute access tokens, ` +
      `through the API (gateway, function, table, logs)`,
  );
  const cellMau = p.monthlyActiveUsers * cellCounties;
  const billableMau = Math.max(0, cellMau - price.cognitoFreeMauPerPool);
  const hasPool = resources(shared, 'AWS::Cognito::UserPool').length > 0;
  if (hasPool)
    add(
      'Cognito (the cell pool, Lite)',
      (billableMau * price.cognitoLiteMau) / cellCounties,
      `${p.monthlyActiveUsers} users; the cell's ${cellMau} pass the pool's ${price.cognitoFreeMauPerPool} free by ${billableMau}`,
    );
  else
    add(
      'identity (no user pool)',
      0,
      "each county's own directory in its partition (its sign-ins are priced above), or an OIDC provider priced apart",
    );

  const total = lines.reduce((sum, line) => sum + line.usd, 0);
  const smsCny = p.smsPerMonth * input.prices.smsCnyPerMessage;
  return {
    profile: p.name,
    region: input.region,
    lines,
    total,
    sms: {
      item: 'SMS (passed through, outside the total)',
      usd: smsCny / input.prices.cnyPerUsd,
      detail: `${p.smsPerMonth} messages at ¥${input.prices.smsCnyPerMessage} (Alibaba Cloud list price)`,
    },
  };
}

export function formatCountyCost(cost: CountyCost): string {
  const rows = cost.lines.map(
    (line) => `  ${line.item.padEnd(44)} US$${line.usd.toFixed(4).padStart(8)}   ${line.detail}`,
  );
  return [
    `${cost.profile}, ${cost.region}:`,
    ...rows,
    `  ${cost.sms.item.padEnd(44)} US$${cost.sms.usd.toFixed(4).padStart(8)}   ${cost.sms.detail}`,
  ].join('\n');
}

/**
 * How long the cell's access tokens live, in minutes: its county pool client's validity, or (no pool: county
 * directories) half the default idle time of 30 minutes (core accessTokenSecondsFor, at most 15 minutes).
 */
export function accessTokenMinutes(shared: Template): number {
  const clients = resources(shared, 'AWS::Cognito::UserPoolClient');
  if (clients.length === 0) return accessTokenSecondsFor(DEFAULT_IDLE_MINUTES, 900) / 60;
  const props = clients[0]?.Properties ?? {};
  const validity = Number(props.AccessTokenValidity ?? 60);
  const unit = (props.TokenValidityUnits as { AccessToken?: string } | undefined)?.AccessToken ?? 'hours';
  return unit === 'minutes' ? validity : unit === 'days' ? validity * 1440 : validity * 60;
}
