import {
  CreateUnitSchema,
  CsvSyntaxError,
  csvRecords,
  type Department,
  decodeSpreadsheetText,
  type FieldProblem,
  type GridNode,
  type Unit,
  ValidationError,
  vendorKnowledgeBase,
} from '@gridsafe/core';
import { fromItem, sameUnitContent } from '@gridsafe/db';
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { countyData, writeContext } from '../county-data.ts';
import { resolveDepartment } from '../unit-rules.ts';

export const UnitImportResultSchema = z
  .object({
    encoding: z.string(),
    summary: z.object({
      total: z.number().int(),
      created: z.number().int(),
      updated: z.number().int(),
      unchanged: z.number().int(),
      rejected: z.number().int(),
    }),
    rows: z.array(
      z.object({
        line: z.number().int(),
        status: z.enum(['created', 'updated', 'unchanged', 'rejected']),
        unitId: z.string().optional(),
        creditCode: z.string().optional(),
        errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
      }),
    ),
  })
  .openapi('UnitImportResult');
type RowResult = z.infer<typeof UnitImportResultSchema>['rows'][number];

/** Header spellings seen in county spreadsheets, mapped to our field names. */
const COLUMNS: Record<string, string[]> = {
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
};

const LEVEL_NAMES: Record<string, string> = { 县级: 'county', 乡镇级: 'township', 村级: 'village' };
const INDUSTRY_BY_NAME = new Map(
  vendorKnowledgeBase.industries.map((industry) => [industry.name, industry.code]),
);
/** Rows written at once: enough to hide DynamoDB latency, few enough to stay clear of throttling. */
const CONCURRENCY = 16;
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;

/**
 * Imports units row by row. Each row is validated on its own and answered on its own; a bad row never
 * stops the good ones. Rows are matched by credit code, so a re-import writes only what changed.
 */
export async function importUnits(c: Context<AppEnv>, bytes: Uint8Array) {
  const { text, encoding } = decodeSpreadsheetText(bytes);
  let table: ReturnType<typeof csvRecords>;
  try {
    table = csvRecords(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError)
      throw new ValidationError([{ path: `line ${error.line}`, message: error.message }]);
    throw error;
  }
  const columnOf = mapColumns(table.header);
  const missing = ['name', 'creditCode', 'industry', 'township', 'village'].filter(
    (field) => !columnOf[field],
  );
  if (missing.length > 0) {
    throw new ValidationError(
      missing.map((field) => ({
        path: `header.${field}`,
        message: `missing column (one of: ${COLUMNS[field]?.join(', ')})`,
      })),
    );
  }
  const data = countyData(c);
  const [allGrids, departments] = await Promise.all([data.grids.listAll(), data.departments.list()]);
  const villages = villageIndex(allGrids);
  const firstLineOfCode = new Map<string, number>();
  const results: RowResult[] = new Array(table.rows.length);

  let next = 0;
  const worker = async () => {
    while (next < table.rows.length) {
      const index = next++;
      const row = table.rows[index]!;
      const value = (field: string) => (columnOf[field] ? (row.values[columnOf[field]] ?? '').trim() : '');
      try {
        results[index] = await importRow(c, row.line, value, villages, departments, firstLineOfCode);
      } catch (error) {
        if (error instanceof ValidationError) {
          results[index] = {
            line: row.line,
            status: 'rejected',
            creditCode: value('creditCode') || undefined,
            errors: error.problems,
          };
        } else {
          throw error;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const count = (status: RowResult['status']) => results.filter((r) => r.status === status).length;
  return {
    encoding,
    summary: {
      total: results.length,
      created: count('created'),
      updated: count('updated'),
      unchanged: count('unchanged'),
      rejected: count('rejected'),
    },
    rows: results,
  };

  async function importRow(
    ctx: Context<AppEnv>,
    line: number,
    value: (field: string) => string,
    villageByName: Map<string, GridNode>,
    depts: Department[],
    seen: Map<string, number>,
  ): Promise<RowResult> {
    const problems: FieldProblem[] = [];
    const industryText = value('industry');
    const industry = INDUSTRY_BY_NAME.get(industryText) ?? industryText;
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
      creditCode: value('creditCode'),
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
    const input = parsed.data;
    const earlierLine = seen.get(input.creditCode);
    if (earlierLine !== undefined) {
      throw new ValidationError([
        { path: 'creditCode', message: `the same credit code is on line ${earlierLine}` },
      ]);
    }
    seen.set(input.creditCode, line);

    const data = countyData(ctx);
    const existingId = await data.units.findIdByCreditCode(input.creditCode);
    const now = ctx.get('deps').clock.now().toISOString();
    if (!existingId) {
      const unit: Unit = {
        id: ctx.get('deps').ids.next(),
        name: input.name,
        creditCode: input.creditCode,
        industry: input.industry,
        gridId: village.id,
        gridPath: village.path,
        ...resolveDepartment(depts, input.industry, undefined),
        supervisionLevel: input.supervisionLevel,
        ...(input.address ? { address: input.address } : {}),
        ...(input.location ? { location: input.location } : {}),
        ...(input.contact ? { contact: input.contact } : {}),
        version: 1,
        createdAt: now,
        updatedAt: now,
      };
      await data.units.create(unit, writeContext(ctx));
      return { line, status: 'created', unitId: unit.id, creditCode: unit.creditCode };
    }
    const stored = await data.units.getStored(existingId, true);
    if (!stored) throw new Error(`credit code ${input.creditCode} points at a missing unit ${existingId}`);
    const current = fromItem<Unit>(stored);
    const department = current.departmentOverridden
      ? { departmentId: current.departmentId, departmentOverridden: true }
      : resolveDepartment(depts, input.industry, undefined);
    const { departmentId: _old, ...rest } = current;
    const after: Unit = {
      ...rest,
      name: input.name,
      industry: input.industry,
      gridId: village.id,
      gridPath: village.path,
      ...(department.departmentId ? { departmentId: department.departmentId } : {}),
      departmentOverridden: department.departmentOverridden,
      supervisionLevel: input.supervisionLevel,
      ...(input.address ? { address: input.address } : {}),
      ...(input.location ? { location: input.location } : {}),
      ...(input.contact ? { contact: input.contact } : {}),
    };
    if (sameUnitContent(current, after))
      return { line, status: 'unchanged', unitId: current.id, creditCode: current.creditCode };
    await data.units.update(stored, after, current.version, writeContext(ctx), 'imported');
    return { line, status: 'updated', unitId: current.id, creditCode: current.creditCode };
  }
}

function mapColumns(header: string[]): Record<string, string> {
  const found: Record<string, string> = {};
  for (const cell of header) {
    const normalized = cell.trim().toLowerCase().replaceAll(' ', '');
    for (const [field, names] of Object.entries(COLUMNS)) {
      if (!found[field] && names.includes(normalized)) found[field] = cell;
    }
  }
  return found;
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
