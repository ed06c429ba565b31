export * from './dynamo-client.ts';
export * from './dynamo-errors.ts';
export * from './ensure-table.ts';
export * from './health.ts';
export * from './keys.ts';
export * from './table-definition.ts';
export * from './tenant-registry.ts';
