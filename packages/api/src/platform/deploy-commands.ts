/**
 * The CDK commands an operator runs for one county. Stack names follow infra/src/tenant-stack.ts
 * (`Gridsafe-Tenant-<id>`, addressed as `<cell>/Gridsafe-Tenant-<id>`); `--exclusively` deploys that one
 * stack without touching the cell's shared stack it depends on.
 */
export function tenantStackPath(cell: string, tenant: string): string {
  return `${cell}/Gridsafe-Tenant-${tenant}`;
}

export function tenantDeployCommand(cell: string, tenant: string): string {
  return `./node_modules/.bin/cdk deploy -c cell=${cell} --exclusively ${tenantStackPath(cell, tenant)}`;
}

export function tenantDestroyCommand(cell: string, tenant: string): string {
  return `./node_modules/.bin/cdk destroy -c cell=${cell} --exclusively ${tenantStackPath(cell, tenant)}`;
}
