import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CellStage } from './src/cell-stage.ts';
import { loadCellsConfig, selectCells } from './src/cells-config.ts';

/**
 * The Gridsafe CDK app. `-c cell=<id>` (or GRIDSAFE_CELL) synthesizes one cell, which is how waves are
 * deployed: a cell holds up to a few hundred county stacks and no command should need all cells at once.
 * Without it, every cell is synthesized (each into its own nested assembly).
 */
const app = new App();
// GRIDSAFE_CELLS_FILE: another cells file, such as the synthetic cell of `npm run synth -- --counties <n>`.
const config = loadCellsConfig(process.env.GRIDSAFE_CELLS_FILE || undefined);
const cellId = (app.node.tryGetContext('cell') as string | undefined) ?? process.env.GRIDSAFE_CELL;

for (const cell of selectCells(config, cellId)) {
  new CellStage(app, { config, cell });
}

// Findings fail synthesis; every accepted finding is acknowledged with its reason next to the resource.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

app.synth();
