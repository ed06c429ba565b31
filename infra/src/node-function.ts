import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetHashType, DockerImage, type Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The project's Lambda runtime. Node.js 24 exists in CDK (hence the acknowledged AwsSolutions-L1), but the
 * team pins 22 until its dependencies are proven there; change it here and nowhere else.
 */
export const LAMBDA_RUNTIME = lambda.Runtime.NODEJS_22_X;

/**
 * China's Cybersecurity Law (art. 21) requires network logs to be kept for no less than six months; 180 days
 * can fall short of six calendar months, so a year.
 */
export const LOG_RETENTION = logs.RetentionDays.ONE_YEAR;

export const METRICS_NAMESPACE = 'Gridsafe';

/**
 * Functions are bundled by scripts/bundle-functions.ts, the same code `npm run build` and the cold-start
 * measurements use (so what is measured is what is deployed): minified ESM for Node 22, the AWS SDK bundled
 * (a pinned version, not whatever the runtime ships that week; see docs/decisions.md), code splitting so that
 * what only some routes need is a chunk loaded at first use, and two bundler rules NodejsFunction cannot
 * express (only zod's English messages; credentials from the environment only). No source maps: they double
 * the upload and slow cold starts, and the logs carry the error names and messages we need.
 */
const BUNDLER = join(REPO_ROOT, 'scripts', 'bundle-functions.ts');

export interface NodeFunctionProps {
  /** The entry file, relative to the repository root (`functions/api.ts`). It exports `handler`. */
  entry: string;
  /** POWERTOOLS_SERVICE_NAME: the `service` field of every log line and a metric dimension. */
  service: string;
  description: string;
  environment?: Record<string, string>;
  memorySize?: number;
  timeout: Duration;
  /** A fixed role name, for a role another service recognises by name (a county API's). Default: generated. */
  roleName?: string;
  /**
   * Runs under another function's role instead of one of its own: IAM allows 1,000 roles per account and a cell
   * of 300 counties needs all but a hundred of them (docs/deploy.md, "Quotas"). The role also gets to write this
   * function's logs.
   */
  role?: iam.Role;
  /**
   * A fixed function name. The cell's alarms group Lambda's metrics by `FunctionName`, so a name that carries the
   * county is what names the county in an alarm (infra/src/cell-alarms.ts). Default: generated.
   */
  functionName?: string;
  /** Caps (and sets aside) this many of the account's concurrent executions. Default: none. */
  reservedConcurrentExecutions?: number;
}

/**
 * The project's one way to build a Lambda function: Node.js on ARM64 (about 20% cheaper per GB-second than
 * x86 for the same work), an esbuild bundle, its own log group with a retention, and its own role that can
 * write only to that log group (no AWS managed policy). Callers add the data permissions to `role`.
 *
 * Tracing is off: the functions bundle no X-Ray tracer (it would add ~100 KB and cold-start time), and
 * active tracing without one records only the Lambda segment, which the REPORT log line already gives.
 */
export class NodeFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: NodeFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: LOG_RETENTION,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.role =
      props.role ??
      new iam.Role(this, 'Role', {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        ...(props.roleName !== undefined ? { roleName: props.roleName } : {}),
        description: `${props.description} (function role)`,
      });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        // The log group's Arn attribute already ends in `:*`, which covers its streams and nothing else.
        resources: [this.logGroup.logGroupArn],
      }),
    );

    this.function = new lambda.Function(this, 'Function', {
      code: codeFor(this, props.entry),
      handler: 'index.handler',
      runtime: LAMBDA_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      description: props.description,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout,
      ...(props.functionName !== undefined ? { functionName: props.functionName } : {}),
      ...(props.reservedConcurrentExecutions !== undefined
        ? { reservedConcurrentExecutions: props.reservedConcurrentExecutions }
        : {}),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: lambda.Tracing.DISABLED,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.service,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ...props.environment,
      },
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'The project pins nodejs22.x (LAMBDA_RUNTIME in infra/src/node-function.ts) until its dependencies are ' +
        'verified on nodejs24.x; 22 is supported by Lambda until 2027.',
    });
  }
}

/**
 * CDK skips bundling for the stacks a command does not deploy (`cdk ls`, `cdk deploy --exclusively` of
 * another stack, and tests that set `aws:cdk:bundling-stacks` to `[]`). Such stacks get a placeholder, which
 * is never deployed: CDK deploys only stacks it bundled.
 */
function codeFor(scope: Construct, entry: string): lambda.Code {
  if (!Stack.of(scope).bundlingRequired) {
    return lambda.Code.fromInline('// not bundled in this synthesis');
  }
  return lambda.Code.fromAsset(REPO_ROOT, {
    // The hash of what was built, not of the whole repository.
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never used: local bundling always succeeds or throws (there is no Docker on the build machines).
      image: DockerImage.fromRegistry('scratch'),
      // CDK caches bundling by source path and these options (not by `local`): naming the entry here is what
      // keeps two functions from sharing one bundle.
      command: ['bundle', entry],
      local: {
        tryBundle(outputDir) {
          const run = spawnSync(
            process.execPath,
            ['--import', 'tsx', BUNDLER, '--entry', entry, '--outdir', outputDir],
            { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } },
          );
          if (run.status !== 0) {
            throw new Error(`bundling ${entry} failed:\n${run.stderr || run.stdout || run.error}`);
          }
          return true;
        },
      },
    },
  });
}
