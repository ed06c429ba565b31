import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template as Assertions } from 'aws-cdk-lib/assertions';
import { CellStage } from './cell-stage.ts';
import type { CellsConfig } from './cells-config.ts';
import type { PriceBook, Template } from './cost-model.ts';

export const PRICES_FILE = new URL('../config/prices.json', import.meta.url);

export function loadPrices(file: URL | string = PRICES_FILE): PriceBook {
  return JSON.parse(readFileSync(file, 'utf8')) as PriceBook;
}

/**
 * One cell synthesized in this process (bundling skipped: the templates are what is priced, not the code), and the
 * templates of its shared stack and of one county's stack: the resources `npm run cost` prices.
 */
export function synthesizeForCost(
  config: CellsConfig,
  cellId: string,
  county?: string,
): { shared: Template; county: Template; countyId: string; counties: number } {
  const cell = config.cells.find((candidate) => candidate.id === cellId);
  if (!cell) throw new Error(`Unknown cell ${cellId}`);
  const countyId = county ?? cell.tenants[0]?.id;
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stage = new CellStage(app, { config, cell });
  const tenant = countyId ? stage.tenants.get(countyId) : undefined;
  if (!tenant) throw new Error(`Cell ${cellId} has no county ${countyId}`);
  return {
    shared: Assertions.fromStack(stage.shared).toJSON() as Template,
    county: Assertions.fromStack(tenant).toJSON() as Template,
    countyId: countyId!,
    counties: cell.tenants.length,
  };
}
