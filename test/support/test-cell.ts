import { App } from 'aws-cdk-lib';
import { CellStage } from '../../infra/src/cell-stage.ts';
import { parseCellsConfig } from '../../infra/src/cells-config.ts';

/** A cell as `infra/config/cells.json` declares one (before parsing): its id, counties, optional alarm e-mail. */
export interface TestCellInput {
  id: string;
  alarmEmail?: string;
  /** As in cells.json: `{ kind: 'directory' }`, an OIDC provider; absent, the cell's Cognito pool. */
  identity?: Record<string, unknown>;
  tenants: { id: string; name?: string; size?: string }[];
}

/**
 * The stacks of one cell, parsed from a configuration as `infra/app.ts` does, with the cell as the control
 * plane's home. An app that skips bundling unless one is given (bundling.test.ts passes its own).
 */
export function testCellStage(
  cell: TestCellInput,
  app = new App({ context: { 'aws:cdk:bundling-stacks': [] } }),
): CellStage {
  const config = parseCellsConfig(
    {
      tableName: 'gridsafe',
      platformCell: cell.id,
      webOrigins: ['https://app.gridsafe.example.cn'],
      cells: [cell],
    },
    {},
  );
  return new CellStage(app, { config, cell: config.cells[0]! });
}
