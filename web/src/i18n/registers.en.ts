import type { registersZhCN } from './registers.zh-CN.ts';

/** Register exports and imports in English: the same keys as registers.zh-CN.ts. */
export const registersEn: Record<keyof typeof registersZhCN, string> = {
  'registers.exportXlsx': 'Export Excel',
  'registers.exportCsv': 'Export CSV',
  'registers.exporting': 'Exporting…',
  'registers.importing': 'Importing…',
  'registers.progress': '{done} / {total} rows',
  'registers.download': 'Download ({rows} rows)',
  'registers.failed': 'The job failed; try again.',
  'registers.uploadFailed': 'The upload failed ({status})',
  'registers.importTitle': 'Import units (Excel / CSV)',
  'registers.importHelp':
    'Choose an Excel (.xlsx) or CSV file. It is uploaded as it is and imported row by row in the background, with progress; when it is done, the rows not imported are listed with why. Rows are matched by credit code, so importing again never duplicates a unit.',
  'registers.importSummary':
    '{total} rows: {created} created, {updated} updated, {skipped} unchanged, {errors} not imported',
  'registers.importLink': 'Import (Excel)',
  'nav.patrols': 'Patrols',
  'patrols.title': 'Patrol register',
  'patrols.state': 'State',
  'patrols.state.scheduled': 'Due',
  'patrols.state.overdue': 'Overdue',
  'patrols.state.done': 'Done',
  'patrols.due': 'Due',
  'patrols.doneAt': 'Done at',
  'patrols.distance': 'From the point (m)',
  'patrols.far': 'far',
  'patrols.empty': 'No patrols match.',
};
