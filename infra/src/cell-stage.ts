import { Stage, type StageProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { CellConfig, CellsConfig } from './cells-config.ts';
import { PLATFORM_STACK_NAME, PlatformStack } from './platform-stack.ts';
import { SHARED_STACK_NAME, SharedStack } from './shared-stack.ts';
import { TenantStack, tenantStackName } from './tenant-stack.ts';

/**
 * Feature flags the stacks rely on, set here rather than in cdk.json so that tests (whose `new App()`
 * ignores cdk.json) build exactly what the CLI builds.
 */
const FEATURE_FLAGS = {
  // Server access logs are delivered under a bucket policy, which works with BucketOwnerEnforced (no ACLs).
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
  '@aws-cdk/aws-s3:createDefaultLoggingPolicy': true,
};

export interface CellStageProps extends StageProps {
  config: CellsConfig;
  cell: CellConfig;
}

/**
 * One cell (an account + region): its shared stack, one stack per county, and the control plane if this
 * is the platform cell. CloudFormation names stay `Gridsafe-Shared` and `Gridsafe-Tenant-<id>` in every
 * account; in the CDK app they are addressed as `<cell>/Gridsafe-Tenant-<id>`.
 */
export class CellStage extends Stage {
  readonly shared: SharedStack;
  readonly platform?: PlatformStack;
  readonly tenants = new Map<string, TenantStack>();

  constructor(scope: Construct, props: CellStageProps) {
    const { config, cell, ...stageProps } = props;
    super(scope, cell.id, {
      env: {
        ...(cell.account !== undefined ? { account: cell.account } : {}),
        ...(cell.region !== undefined ? { region: cell.region } : {}),
      },
      ...stageProps,
    });
    for (const [flag, value] of Object.entries(FEATURE_FLAGS)) this.node.setContext(flag, value);
    Tags.of(this).add('gridsafe:cell', cell.id);

    this.shared = new SharedStack(this, SHARED_STACK_NAME, {
      tableName: config.tableName,
      webOrigins: config.webOrigins,
      cellId: cell.id,
      identity: cell.identity,
      ...(cell.alarmEmail !== undefined ? { alarmEmail: cell.alarmEmail } : {}),
    });
    if (config.platformCell === cell.id) {
      this.platform = new PlatformStack(this, PLATFORM_STACK_NAME, {
        tableName: config.tableName,
        cellId: cell.id,
        knownCells: config.cells.map((known) => known.id),
        identity: cell.identity,
      });
      // Reads the shared stack's SSM parameters at deploy time: the first deploy must come after it.
      this.platform.addStackDependency(this.shared);
    }
    for (const tenant of cell.tenants) {
      const stack = new TenantStack(this, tenantStackName(tenant.id), {
        tenant,
        tableName: config.tableName,
        webOrigins: config.webOrigins,
        identity: cell.identity,
      });
      stack.addStackDependency(this.shared);
      this.tenants.set(tenant.id, stack);
    }
  }
}
