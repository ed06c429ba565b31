import { PhoneSchema, textField } from './common-schemas.ts';
import type { CsvRecord } from './csv.ts';
import type { FieldProblem } from './errors.ts';
import type { GridLevel, GridNode, GridResponsible } from './grid.ts';

/**
 * Importing the county's grid tree from a spreadsheet keyed by 区划代码 (division code). The code says where a
 * node sits: 6 digits a county, 9 a township (its county's 6 and three more), 12 a village (its township's 9 and
 * three more). The National Bureau of Statistics writes every level as 12 digits padded with zeros
 * (341222100000 is the township 341222100), so trailing zero triples are dropped first. A file may name the
 * parent explicitly (上级区划代码) where a development zone's code does not follow its township's.
 *
 * Rows are matched to the tree by code, so a second import of the same file finds every node and creates
 * nothing; a node made by hand without a code is matched by its parent and name, and takes the file's code.
 */

/** Header spellings seen in county rosters, mapped to the import's fields. */
export const GRID_IMPORT_COLUMNS = {
  code: ['code', '区划代码', '统计用区划代码', '行政区划代码', '代码'],
  name: ['name', '名称', '区划名称', '网格名称', '乡镇/村名称'],
  parentCode: ['parentcode', '上级区划代码', '上级代码'],
  responsibleName: ['responsible', 'responsiblename', '负责人', '网格负责人', '网格长'],
  responsiblePhone: ['responsiblephone', 'phone', '负责人电话', '联系电话', '电话', '手机'],
} as const;

export type GridImportField = keyof typeof GRID_IMPORT_COLUMNS;

/** A row that reads as a grid node, before it is matched to the tree. */
export interface GridImportRow {
  line: number;
  code: string;
  level: GridLevel;
  parentCode?: string;
  name: string;
  responsible?: GridResponsible;
}

/** What one row comes to once matched against the tree. */
export type GridImportStep =
  | { kind: 'create'; row: GridImportRow; parent: GridParentRef }
  | { kind: 'update'; row: GridImportRow; node: GridNode }
  | { kind: 'unchanged'; row: GridImportRow; node: GridNode }
  | { kind: 'rejected'; line: number; code?: string; errors: FieldProblem[] };

/** The parent of a new node: one in the tree, or one an earlier row of the same file creates. */
export type GridParentRef = { existing: GridNode } | { rowCode: string };

const LEVEL_OF_LENGTH: Record<number, GridLevel> = { 6: 'county', 9: 'township', 12: 'village' };
const nameSchema = textField(60);

/** A division code without the statistics bureau's zero padding, or undefined when it is not one. */
export function canonicalDivisionCode(raw: string): string | undefined {
  let code = raw.trim();
  if (!/^\d{6}(\d{3}(\d{3})?)?$/.test(code)) return undefined;
  while (code.length > 6 && code.endsWith('000')) code = code.slice(0, -3);
  return code;
}

/** The level a division code names: 6 digits a county, 9 a township, 12 a village. */
export function levelOfDivisionCode(code: string): GridLevel | undefined {
  return LEVEL_OF_LENGTH[code.length];
}

/** The code of the node one level up, by the code's own prefix (a county has none). */
export function parentDivisionCode(code: string): string | undefined {
  return code.length > 6 ? code.slice(0, -3) : undefined;
}

/** Checks one spreadsheet row on its own: the code, the name and the responsible person (both or neither). */
export function readGridImportRow(
  record: CsvRecord,
  columnOf: Partial<Record<GridImportField, string>>,
): GridImportRow | { line: number; code?: string; errors: FieldProblem[] } {
  const value = (field: GridImportField) => {
    const column = columnOf[field];
    return column ? (record.values[column] ?? '').trim() : '';
  };
  const errors: FieldProblem[] = [];
  const rawCode = value('code');
  const code = canonicalDivisionCode(rawCode);
  if (!code) errors.push({ path: 'code', message: 'must be a 6, 9 or 12 digit division code (区划代码)' });
  const rawParent = value('parentCode');
  const parentCode = rawParent ? canonicalDivisionCode(rawParent) : undefined;
  if (rawParent && !parentCode)
    errors.push({ path: 'parentCode', message: 'must be a 6, 9 or 12 digit division code' });
  const name = nameSchema.safeParse(value('name'));
  if (!name.success) errors.push({ path: 'name', message: name.error.issues[0]?.message ?? 'is invalid' });
  const personName = value('responsibleName');
  const personPhone = value('responsiblePhone');
  let responsible: GridResponsible | undefined;
  if (personName || personPhone) {
    const parsedName = textField(50).safeParse(personName);
    const parsedPhone = PhoneSchema.safeParse(personPhone);
    if (!parsedName.success)
      errors.push({ path: 'responsibleName', message: 'is required with a phone (负责人)' });
    if (!parsedPhone.success)
      errors.push({ path: 'responsiblePhone', message: 'must be a phone number (负责人电话)' });
    if (parsedName.success && parsedPhone.success)
      responsible = { name: parsedName.data, phone: parsedPhone.data };
  }
  if (errors.length > 0 || !code || !name.success)
    return { line: record.line, ...(rawCode ? { code: rawCode } : {}), errors };
  const level = levelOfDivisionCode(code) as GridLevel;
  return {
    line: record.line,
    code,
    level,
    ...(parentCode ? { parentCode } : {}),
    name: name.data,
    ...(responsible ? { responsible } : {}),
  };
}

/**
 * Matches each row to the county's tree: parents before children, so a village may sit under a township the
 * same file creates. A node found by code (or, lacking a code, by parent and name) is updated where the row
 * says something new; a node that would have to change township is refused (moving a village carries its
 * records along, which is the tree editor's deliberate step, not a spreadsheet's side effect).
 */
export function planGridImport(rows: readonly GridImportRow[], tree: readonly GridNode[]): GridImportStep[] {
  const root = tree.find((node) => node.level === 'county');
  const byCode = new Map<string, GridNode>();
  for (const node of tree) {
    const code = node.code ? canonicalDivisionCode(node.code) : undefined;
    if (code) byCode.set(code, node);
  }
  const byParentAndName = new Map(tree.map((node) => [`${node.parentId ?? ''}/${node.name}`, node]));
  const firstLine = new Map<string, number>();
  const planned = new Map<string, GridImportStep>();
  const steps: GridImportStep[] = [];
  const ordered = [...rows].sort((a, b) => a.code.length - b.code.length || a.line - b.line);
  for (const row of ordered) {
    const reject = (path: string, message: string) =>
      steps.push({ kind: 'rejected', line: row.line, code: row.code, errors: [{ path, message }] });
    const earlier = firstLine.get(row.code);
    if (earlier !== undefined) {
      reject('code', `the same code is on line ${earlier}`);
      continue;
    }
    firstLine.set(row.code, row.line);
    if (row.level === 'county') {
      if (!root) reject('code', 'this county has no root node to match');
      else if (root.code && canonicalDivisionCode(root.code) !== row.code)
        reject('code', `the county's own code is ${root.code}`);
      else steps.push(record(row, root));
      continue;
    }
    const parentCode = row.parentCode ?? parentDivisionCode(row.code);
    const parent = resolveParent(row, parentCode);
    if ('problem' in parent) {
      reject(parent.path, parent.problem);
      continue;
    }
    const parentId = 'existing' in parent ? parent.existing.id : undefined;
    const found =
      byCode.get(row.code) ??
      (parentId ? uncoded(byParentAndName.get(`${parentId}/${row.name}`)) : undefined);
    if (!found) {
      const step: GridImportStep = { kind: 'create', row, parent };
      planned.set(row.code, step);
      steps.push(step);
      continue;
    }
    if (found.level !== row.level) {
      reject('code', `names a ${row.level}, but the tree has it as a ${found.level}`);
      continue;
    }
    if (parentId !== found.parentId) {
      reject('parentCode', 'the tree has this node under another parent: move it in the tree editor');
      continue;
    }
    const step = record(row, found);
    planned.set(row.code, step);
    steps.push(step);
  }
  return steps;

  function resolveParent(
    row: GridImportRow,
    parentCode: string | undefined,
  ): GridParentRef | { path: string; problem: string } {
    const path = row.parentCode ? 'parentCode' : 'code';
    if (row.level === 'township') {
      if (!root) return { path, problem: 'this county has no root node' };
      const rootCode = root.code ? canonicalDivisionCode(root.code) : undefined;
      // A county without a code of its own takes every township of the file.
      if (rootCode && parentCode !== rootCode)
        return { path, problem: `is not a township of this county (${root.code})` };
      return { existing: root };
    }
    const inFile = parentCode ? planned.get(parentCode) : undefined;
    if (inFile?.kind === 'create') return { rowCode: inFile.row.code };
    if (inFile && inFile.kind !== 'rejected') return { existing: inFile.node };
    const existing = parentCode ? byCode.get(parentCode) : undefined;
    if (existing?.level === 'township') return { existing };
    return { path, problem: `no township with code ${parentCode ?? '?'} in the tree or earlier in the file` };
  }
}

/** An existing node the row leaves alone, or changes (name, code, responsible person). */
function record(row: GridImportRow, node: GridNode): GridImportStep {
  const same =
    node.name === row.name &&
    node.code !== undefined &&
    canonicalDivisionCode(node.code) === row.code &&
    (!row.responsible ||
      (node.responsible?.name === row.responsible.name && node.responsible?.phone === row.responsible.phone));
  return same ? { kind: 'unchanged', row, node } : { kind: 'update', row, node };
}

/** A node matched by name only when it has no code: one with a code is matched by its code or not at all. */
function uncoded(node: GridNode | undefined): GridNode | undefined {
  return node && !node.code ? node : undefined;
}
