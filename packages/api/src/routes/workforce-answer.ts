import {
  NotFoundError,
  patrolsBehind,
  scopeFilter,
  ValidationError,
  type Workforce,
  type WorkforceState,
  workforceOf,
  workforcePeriod,
  workforceSheetRows,
} from '@gridsafe/core';
import { readWorkforceRecords } from '@gridsafe/db';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { countyData, readScope } from '../county-data.ts';

const DRILL_LIMIT = 500;

/** A date in China Standard Time, `days` after `now`'s. */
function chinaDate(now: Date, days = 0): string {
  return new Date(now.getTime() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

async function read(
  c: Context<AppEnv>,
  asked: { from?: string | undefined; to?: string | undefined; grid?: string | undefined },
) {
  const now = c.get('deps').clock.now();
  const to = asked.to ?? chinaDate(now);
  const from = asked.from ?? chinaDate(new Date(`${to}T12:00:00+08:00`), -29);
  const { start, end } = workforcePeriod(from, to);
  const { withinPath, departmentId } = scopeFilter(await readScope(c, { grid: asked.grid }));
  const data = countyData(c);
  const [records, { settings }] = await Promise.all([
    readWorkforceRecords(data.store, { start, end, withinPath, ...(departmentId ? { departmentId } : {}) }),
    data.settings.get(),
  ]);
  return {
    from,
    to,
    now: now.toISOString(),
    threshold: settings.patrolDistanceFlagMeters,
    departmentId,
    records,
  };
}

/** The view of the caller's area (or the grid asked, within it) for the period. */
export async function workforceView(
  c: Context<AppEnv>,
  asked: { from?: string | undefined; to?: string | undefined; grid?: string | undefined },
): Promise<Workforce> {
  const { from, to, now, threshold, departmentId, records } = await read(c, asked);
  const view = workforceOf({ from, to, ...records, now, thresholdMeters: threshold });
  // A department works its industries county-wide: the villages where it had none are not its rows.
  if (departmentId) {
    view.villages = view.villages.filter((row) => row.due > 0);
    view.members = view.members.filter((row) => row.due > 0 || row.done > 0);
  }
  return view;
}

/** The patrols behind one figure: of a village, of a grid member, or of the whole view. */
export async function workforcePatrols(
  c: Context<AppEnv>,
  asked: {
    from?: string | undefined;
    to?: string | undefined;
    grid?: string | undefined;
    village?: string | undefined;
    member?: string | undefined;
    state?: WorkforceState | undefined;
  },
) {
  if (asked.village && asked.member)
    throw new ValidationError([{ path: 'query.member', message: 'name a village or a member, not both' }]);
  const { now, threshold, records } = await read(c, asked);
  if (asked.village && !records.villages.some((village) => village.id === asked.village))
    throw new NotFoundError('village');
  const member = asked.member ? records.members.find((one) => one.id === asked.member) : undefined;
  if (asked.member && !member) throw new NotFoundError('grid member');
  const villageIds = new Set(records.villages.map((village) => village.id));
  const matched = patrolsBehind(
    records.patrols,
    {
      ...(asked.village ? { villageId: asked.village } : {}),
      ...(member
        ? {
            member: { username: member.username, gridIds: member.gridIds.filter((id) => villageIds.has(id)) },
          }
        : {}),
    },
    asked.state ?? 'due',
    now,
    threshold,
  ).sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  return { items: matched.slice(0, DRILL_LIMIT), truncated: matched.length > DRILL_LIMIT };
}

/** The view as an .xlsx workbook (one sheet), made here: a few hundred rows at most. */
export async function workforceXlsx(view: Workforce): Promise<ArrayBuffer> {
  // exceljs is a chunk of its own: only a download loads it.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(`${view.from}至${view.to}`);
  for (const row of workforceSheetRows(view)) sheet.addRow(row);
  sheet.getRow(1).font = { bold: true };
  const buffer = await workbook.xlsx.writeBuffer();
  return buffer as ArrayBuffer;
}
