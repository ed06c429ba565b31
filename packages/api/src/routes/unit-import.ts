import {
  assertSupervisionChange,
  type Clock,
  ConflictError,
  type CreateUnitInput,
  CreateUnitSchema,
  type CsvRecord,
  type Department,
  type FieldProblem,
  ForbiddenError,
  type GridNode,
  type IdSource,
  inParallel,
  loadVendorKnowledgeBase,
  type Principal,
  type Unit,
  ValidationError,
} from '@gridsafe/core';
import {
  type CreatedBatch,
  DepartmentRepository,
  fromItem,
  GridRepository,
  type StoredItem,
  sameUnitContent,
  type TenantStore,
  UNIT_CREATION_ITEMS,
  UnitBulkCreation,
  UnitRepository,
  unlicensedKey,
} from '@gridsafe/db';
import type { Context } from 'hono';
import type * as z from 'zod/mini';
import type { AppEnv } from '../app-env.ts';
import { importSummary, matchRequiredColumns, readSpreadsheet } from '../spreadsheet-import.ts';
import { newUnit, resolveDepartment } from '../unit-rules.ts';
import type { UnitImportResultSchema } from './unit-import-schema.ts';

export type RowResult = z.infer<typeof UnitImportResultSchema>['rows'][number];

/** Header spellings seen in county spreadsheets, mapped to our field names. */
const COLUMNS = {
  name: ['name', '名称', '单位名称', '企业名称', '单位（企业）名称'],
  creditCode: ['creditcode', '统一社会信用代码', '信用代码', '社会信用代码'],
  industry: ['industry', '行业', '行业类别', '所属行业'],
  township: ['township', '乡镇', '乡镇/开发区', '乡镇（街道）', '乡镇(街道)', '所属乡镇'],
  village: ['village', '村', '村/社区', '村（社区）', '村(社区)', '所属村', '网格'],
  address: ['address', '地址', '详细地址', '经营地址'],
  lng: ['lng', '经度'],
  lat: ['lat', '纬度'],
  contactName: ['contactname', '联系人', '安全负责人'],
  contactPhone: ['contactphone', '联系电话', '电话', '手机'],
  supervisionLevel: ['supervisionlevel', '监管层级', '监管级别'],
} as const;
const REQUIRED_COLUMNS = ['name', 'creditCode', 'industry', 'township', 'village'] as const;
type ColumnOf = Partial<Record<keyof typeof COLUMNS, string>>;

const LEVEL_NAMES: Record<string, string> = { 县级: 'county', 乡镇级: 'township', 村级: 'village' };
/** Update transactions (one row each) in flight at once: enough to hide DynamoDB latency, clear of throttling. */
const CONCURRENCY = 16;
/**
 * New units go in one transaction per village batch: 3 items a unit (the unit, its credit-code claim, its audit
 * event), one counter update for each of the village, its township and the county, the batch's search-pending
 * marker and the map snapshot's change count of the village (TenantStore.transact), within DynamoDB's 100 items:
 * 31 units. Their search postings (about 25 a unit) follow by BatchWriteItem (UnitBulkCreation.indexCreated):
 * right after each batch in the synchronous import, after all the rows in an import job. With the postings
 * inside the transactions, 3 units fitted one, and the import ran at 32–40 rows/s (docs/performance.md).
 */
const UNITS_PER_TRANSACTION = Math.floor((100 - 3 - 1 - 1) / UNIT_CREATION_ITEMS);
/** Villages written at once, each its batches one after another. */
const VILLAGES_IN_FLIGHT = 4;
/** Batches of one village whose postings may still be on their way while its next transaction goes. */
const POSTINGS_BEHIND = 2;
/** BatchWriteItem calls of one batch's postings in flight at once. */
const POSTING_CALLS_IN_FLIGHT = 2;
/** Tries of one batch's transaction that lost a race to another batch (each after a longer random pause). */
const BATCH_ATTEMPTS = 8;

/** A row that passed validation, waiting to be written. */
interface ValidRow {
  index: number;
  line: number;
  input: CreateUnitInput;
  village: GridNode;
  /** False when the row leaves 监管层级 empty: an existing unit keeps its level (never silently lowered). */
  levelGiven: boolean;
}

/** What an import writes with: the county's table, who imports, and where new ids and the time come from. */
export interface ImportWriter {
  store: TenantStore;
  principal: Principal;
  clock: Clock;
  ids: IdSource;
}

/** The import's writer for the request's county and caller. */
export function requestImportWriter(c: Context<AppEnv>): ImportWriter {
  const { clock, ids } = c.get('deps');
  return { store: c.get('store'), principal: c.get('principal'), clock, ids };
}

/**
 * Imports units. Each row is validated on its own and answered on its own; a bad row never stops the good ones.
 * Rows are matched by credit code, so a re-import writes only what changed. Reads and creates are batched (100
 * codes a BatchGetItem, 32 new units of a village a transaction, their search postings by BatchWriteItem after
 * it); a batch that meets a credit code claimed in the meantime is written again row by row, so every row still
 * gets its own answer.
 */
export async function importUnits(c: Context<AppEnv>, bytes: Uint8Array) {
  const { encoding, rows, columnOf } = readSpreadsheet(bytes, COLUMNS, REQUIRED_COLUMNS);
  const importer = await UnitRowImporter.open(requestImportWriter(c), columnOf);
  const results = await importer.importRows(rows);
  return { encoding, summary: importSummary(results), rows: results };
}

/**
 * The import's rules for rows under one header, batch after batch: the synchronous import hands it the whole
 * file, the import job (jobs/import-job.ts) a few thousand rows at a time. A credit code seen twice is refused on
 * its second line within what one importer has read.
 */
export class UnitRowImporter {
  private readonly firstLineOfCode = new Map<string, number>();
  private readonly units: UnitRepository;
  private readonly bulk: UnitBulkCreation;
  private createdSince: string | undefined;

  private constructor(
    private readonly writer: ImportWriter,
    private readonly columnOf: ColumnOf,
    private readonly villages: Map<string, GridNode>,
    private readonly departments: Department[],
    private readonly industryByName: Map<string, string>,
  ) {
    this.units = new UnitRepository(writer.store);
    this.bulk = new UnitBulkCreation(writer.store);
  }

  /** The header's columns for the import's fields; a 400 naming each required one it lacks. */
  static columnsOf(header: readonly string[]): ColumnOf {
    return matchRequiredColumns(header, COLUMNS, REQUIRED_COLUMNS);
  }

  /** Reads the county's villages and departments, for rows under the columns found. */
  static async open(writer: ImportWriter, columnOf: ColumnOf): Promise<UnitRowImporter> {
    const [allGrids, departments] = await Promise.all([
      new GridRepository(writer.store).listAll(),
      new DepartmentRepository(writer.store).list(),
    ]);
    // Spreadsheets name industries in Chinese; the vendor knowledge base's names map them to codes.
    const industryByName = new Map(
      (await loadVendorKnowledgeBase()).industries.map((industry) => [industry.name, industry.code]),
    );
    return new UnitRowImporter(writer, columnOf, villageIndex(allGrids), departments, industryByName);
  }

  private context() {
    return { principal: this.writer.principal, now: this.writer.clock.now() };
  }

  /**
   * One answer per row, in the rows' order. With `createdSince`, a row matching a unit made at or after that time
   * and saying what it says is answered `created`: an import job's earlier attempt at these same rows made it
   * (import-job.ts), and the person asked for it once. With `searchLater`, new units' search postings are left
   * to their batches' markers (UnitBulkCreation.finishPendingSearch, which the import job runs once its rows are
   * in): a row is answered as soon as its unit is registered, not once search finds it.
   */
  async importRows(
    rows: readonly CsvRecord[],
    options: { createdSince?: string; searchLater?: boolean } = {},
  ): Promise<RowResult[]> {
    this.createdSince = options.createdSince;
    const { columnOf } = this;
    const results: RowResult[] = new Array(rows.length);
    const valid: ValidRow[] = [];
    for (const [index, row] of rows.entries()) {
      const value = (field: string) => {
        const column = columnOf[field as keyof typeof COLUMNS];
        return column ? (row.values[column] ?? '').trim() : '';
      };
      try {
        valid.push({
          index,
          line: row.line,
          ...validateRow(value, this.villages, this.industryByName, this.firstLineOfCode, row.line),
        });
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        results[index] = {
          line: row.line,
          status: 'rejected',
          creditCode: value('creditCode') || undefined,
          errors: error.problems,
        };
      }
    }

    // A licensed row is its unit's by credit code; an unlicensed (无证照) one by its name in its village.
    const licensed = valid.filter((row) => row.input.creditCode);
    const [byCode, byName] = await Promise.all([
      this.units.findIdsByCreditCodes(licensed.map((row) => row.input.creditCode!)),
      this.units.findUnlicensedIds(
        valid.filter((row) => !row.input.creditCode).map((row) => unlicensedRowKey(row)),
      ),
    ]);
    const claimedId = (row: ValidRow) =>
      row.input.creditCode
        ? byCode.get(row.input.creditCode)
        : byName.get(unlicensedKey(unlicensedRowKey(row)));
    const fresh = valid.filter((row) => !claimedId(row));
    const known = valid.filter((row) => claimedId(row));

    // A village's batches go one after another, since each writes its village's counters (a one-village file
    // would otherwise be batches cancelling each other); different villages go side by side. A batch's search
    // postings are written while its village's next transaction goes, at most POSTINGS_BEHIND batches behind.
    await inParallel(villageBatches(fresh), VILLAGES_IN_FLIGHT, async (batches) => {
      const indexing: Promise<void>[] = [];
      for (const batch of batches) {
        const units = batch.map((row) => this.unitOf(row));
        let created: CreatedBatch;
        try {
          created = await this.createBatch(units);
        } catch (error) {
          if (!(error instanceof ConflictError)) throw error;
          // A code in this batch was claimed since it was looked up (another import, a unit registered by hand):
          // one row at a time, so the rest still land and that row is matched to the unit that now holds it.
          for (const row of batch) results[row.index] = await this.writeRow(row);
          continue;
        }
        const answer = () => {
          for (const [i, row] of batch.entries())
            results[row.index] = {
              line: row.line,
              status: 'created',
              unitId: units[i]!.id,
              creditCode: row.input.creditCode,
            };
        };
        if (options.searchLater) {
          answer();
          continue;
        }
        // A row is answered once its unit can be found by search.
        const indexed = this.bulk.indexCreated([created], POSTING_CALLS_IN_FLIGHT).then(answer);
        // Its failure is raised where it is awaited below; until then it must not count as unhandled.
        indexed.catch(() => {});
        indexing.push(indexed);
        if (indexing.length > POSTINGS_BEHIND) await indexing.shift();
      }
      await Promise.all(indexing);
    });

    const storedById = new Map(
      (await this.units.getStoredMany([...new Set(known.map((row) => claimedId(row)!))], true)).map(
        (item) => [String(item.id), item],
      ),
    );
    await inParallel(known, CONCURRENCY, async (row) => {
      const stored = storedById.get(claimedId(row)!);
      results[row.index] = stored ? await this.updateRow(row, stored) : await this.writeRow(row);
    });
    return results;
  }

  /**
   * createMany, tried again while it only lost a race. The batches in flight share their township's and the
   * county's counters (all of them their village's, when a file is one village), and DynamoDB cancels a whole
   * transaction that touches an item another one is writing (TransactionConflict). Falling back to one row at a
   * time for that would make a one-village file of 8,500 rows crawl; only a taken claim needs it.
   */
  private async createBatch(units: Unit[]) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.bulk.createMany(units, this.context());
      } catch (error) {
        const lostRace = error instanceof ConflictError && error.code === 'transaction_conflict';
        if (!lostRace || attempt >= BATCH_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 25 * 2 ** attempt));
      }
    }
  }

  private unitOf({ input, village }: ValidRow): Unit {
    const made = { id: this.writer.ids.next(), now: this.writer.clock.now().toISOString() };
    return newUnit(input, village, resolveDepartment(this.departments, input.industry, undefined), made);
  }

  /** One row on its own: created if its code (or unlicensed name) is free, else matched to the unit holding it. */
  private async writeRow(row: ValidRow): Promise<RowResult> {
    const existingId = row.input.creditCode
      ? await this.units.findIdByCreditCode(row.input.creditCode)
      : (await this.units.findUnlicensedIds([unlicensedRowKey(row)])).get(
          unlicensedKey(unlicensedRowKey(row)),
        );
    if (!existingId) {
      const unit = this.unitOf(row);
      await this.units.create(unit, this.context());
      return { line: row.line, status: 'created', unitId: unit.id, creditCode: unit.creditCode };
    }
    const stored = await this.units.getStored(existingId, true);
    if (!stored) throw new Error(`line ${row.line} points at a missing unit ${existingId}`);
    return this.updateRow(row, stored);
  }

  /** A row whose unit exists: unchanged if the row says what the unit says, else written under its version. */
  private async updateRow(row: ValidRow, stored: StoredItem): Promise<RowResult> {
    const { input, village, line, levelGiven } = row;
    const current = fromItem<Unit>(stored);
    const department = current.departmentOverridden
      ? { departmentId: current.departmentId, departmentOverridden: true }
      : resolveDepartment(this.departments, input.industry, undefined);
    const { departmentId: _old, ...rest } = current;
    const after: Unit = {
      ...rest,
      name: input.name,
      industry: input.industry,
      gridId: village.id,
      gridPath: village.path,
      ...(department.departmentId ? { departmentId: department.departmentId } : {}),
      departmentOverridden: department.departmentOverridden,
      supervisionLevel: levelGiven ? input.supervisionLevel : current.supervisionLevel,
      ...(input.address ? { address: input.address } : {}),
      ...(input.location ? { location: input.location } : {}),
      ...(input.contact ? { contact: input.contact } : {}),
    };
    if (sameUnitContent(current, after)) {
      const madeByThisImport = this.createdSince !== undefined && current.createdAt >= this.createdSince;
      return {
        line,
        status: madeByThisImport ? 'created' : 'unchanged',
        unitId: current.id,
        creditCode: current.creditCode,
      };
    }
    const countyCall = supervisionProblems(this.writer.principal, current, after);
    if (countyCall.length > 0)
      return {
        line,
        status: 'rejected',
        unitId: current.id,
        creditCode: current.creditCode,
        errors: countyCall,
      };
    await this.units.update(stored, after, current.version, this.context(), 'imported');
    return { line, status: 'updated', unitId: current.id, creditCode: current.creditCode };
  }
}

/** The row's change to who supervises the unit, when it is the county's call and the importer is not the county. */
function supervisionProblems(principal: Principal, before: Unit, after: Unit): FieldProblem[] {
  try {
    assertSupervisionChange(principal, before, after);
    return [];
  } catch (error) {
    if (!(error instanceof ForbiddenError)) throw error;
    const path = before.supervisionLevel !== after.supervisionLevel ? 'supervisionLevel' : 'industry';
    return [{ path, message: error.message }];
  }
}

/** Checks one row without touching the table; throws ValidationError naming each bad field. */
/** What an unlicensed row is known by: its village and its name. */
function unlicensedRowKey(row: ValidRow): { gridId: string; name: string } {
  return { gridId: row.village.id, name: row.input.name };
}

function validateRow(
  value: (field: string) => string,
  villageByName: Map<string, GridNode>,
  industryByName: Map<string, string>,
  seen: Map<string, number>,
  line: number,
): { input: CreateUnitInput; village: GridNode; levelGiven: boolean } {
  const problems: FieldProblem[] = [];
  const industryText = value('industry');
  const industry = industryByName.get(industryText) ?? industryText;
  const levelText = value('supervisionLevel');
  const lng = value('lng');
  const lat = value('lat');
  const contact = {
    ...(value('contactName') ? { name: value('contactName') } : {}),
    ...(value('contactPhone') ? { phone: value('contactPhone') } : {}),
  };
  const village = villageByName.get(`${value('township')}/${value('village')}`);
  if (!village)
    problems.push({
      path: 'village',
      message: `no village “${value('village')}” under township “${value('township')}”`,
    });
  const parsed = CreateUnitSchema.safeParse({
    name: value('name'),
    // An empty credit code registers the unit as unlicensed (无证照).
    ...(value('creditCode') ? { creditCode: value('creditCode') } : { unlicensed: true }),
    industry,
    gridId: village?.id ?? '00000000000000000000000000',
    ...(value('address') ? { address: value('address') } : {}),
    ...(lng || lat ? { location: { lng: Number(lng), lat: Number(lat) } } : {}),
    ...(levelText ? { supervisionLevel: LEVEL_NAMES[levelText] ?? levelText } : {}),
    ...(Object.keys(contact).length > 0 ? { contact } : {}),
  });
  if (!parsed.success) {
    problems.push(
      ...parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    );
  }
  if (problems.length > 0 || !parsed.success || !village) throw new ValidationError(problems);
  const identity = parsed.data.creditCode ?? unlicensedKey({ gridId: village.id, name: parsed.data.name });
  const earlierLine = seen.get(identity);
  if (earlierLine !== undefined) {
    throw new ValidationError([
      parsed.data.creditCode
        ? { path: 'creditCode', message: `the same credit code is on line ${earlierLine}` }
        : { path: 'name', message: `the same unlicensed unit is on line ${earlierLine}` },
    ]);
  }
  seen.set(identity, line);
  return { input: parsed.data, village, levelGiven: levelText !== '' };
}

/** New rows grouped by village (one village's counters per transaction), each in batches a transaction holds. */
function villageBatches(rows: ValidRow[]): ValidRow[][][] {
  const byVillage = new Map<string, ValidRow[]>();
  for (const row of rows) {
    const group = byVillage.get(row.village.id) ?? [];
    group.push(row);
    byVillage.set(row.village.id, group);
  }
  return [...byVillage.values()].map((group) => {
    const batches: ValidRow[][] = [];
    for (let start = 0; start < group.length; start += UNITS_PER_TRANSACTION)
      batches.push(group.slice(start, start + UNITS_PER_TRANSACTION));
    return batches;
  });
}

/** Villages by "township name/village name", the way spreadsheets name them. */
function villageIndex(nodes: GridNode[]): Map<string, GridNode> {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const index = new Map<string, GridNode>();
  for (const node of nodes) {
    if (node.level !== 'village' || !node.parentId) continue;
    const township = byId.get(node.parentId);
    if (township) index.set(`${township.name}/${node.name}`, node);
  }
  return index;
}
