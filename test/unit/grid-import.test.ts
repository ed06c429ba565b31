import {
  canonicalDivisionCode,
  type GridImportRow,
  type GridNode,
  planGridImport,
  readGridImportRow,
} from '@gridsafe/core';
import { describe, expect, it } from 'vitest';

const node = (
  id: string,
  level: GridNode['level'],
  name: string,
  parent?: GridNode,
  code?: string,
): GridNode => ({
  id,
  level,
  name,
  ...(code ? { code } : {}),
  ...(parent ? { parentId: parent.id } : {}),
  path: parent ? `${parent.path}/${id}` : id,
  version: 1,
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
});

const county = node('C', 'county', '太和县', undefined, '341222');
const chengguan = node('T1', 'township', '城关镇', county, '341222100');
const dongguan = node('V1', 'village', '东关社区', chengguan, '341222100001');
const uncoded = node('V2', 'village', '西关社区', chengguan);
const tree = [county, chengguan, dongguan, uncoded];

const row = (
  line: number,
  code: string,
  name: string,
  extra: Partial<GridImportRow> = {},
): GridImportRow => ({
  line,
  code,
  level: code.length === 9 ? 'township' : 'village',
  name,
  ...extra,
});

describe('reading the grid tree from a division-code spreadsheet', () => {
  it('reads the statistics bureau’s zero-padded 12-digit codes as their level', () => {
    expect(canonicalDivisionCode('341222100000')).toBe('341222100');
    expect(canonicalDivisionCode('341222000000')).toBe('341222');
    expect(canonicalDivisionCode('341222100201')).toBe('341222100201');
    expect(canonicalDivisionCode('3412')).toBeUndefined();
  });

  it('refuses a row whose responsible person has a name but no phone', () => {
    const read = readGridImportRow(
      { line: 2, values: { 区划代码: '341222100001', 名称: '东关社区', 负责人: '张三' } },
      { code: '区划代码', name: '名称', responsibleName: '负责人', responsiblePhone: '电话' },
    );
    expect(read).toMatchObject({ line: 2, errors: [{ path: 'responsiblePhone' }] });
  });

  it('creates a new township and its villages, parents first, whatever order the file lists them in', () => {
    const steps = planGridImport(
      [row(2, '341222199001', '新一村'), row(3, '341222199', '新镇'), row(4, '341222199002', '新二村')],
      tree,
    );
    expect(
      steps.map((step) => [
        step.kind,
        'row' in step ? step.row.name : '',
        'parent' in step ? step.parent : '',
      ]),
    ).toEqual([
      ['create', '新镇', { existing: county }],
      ['create', '新一村', { rowCode: '341222199' }],
      ['create', '新二村', { rowCode: '341222199' }],
    ]);
  });

  it('leaves a node alone when the row says what the tree says, and updates it when the row names someone new', () => {
    const [same] = planGridImport([row(2, '341222100001', '东关社区')], tree);
    expect(same).toMatchObject({ kind: 'unchanged', node: dongguan });
    const [changed] = planGridImport(
      [row(2, '341222100001', '东关社区', { responsible: { name: '李四', phone: '13800000000' } })],
      tree,
    );
    expect(changed).toMatchObject({ kind: 'update', node: dongguan });
  });

  it('matches a node made by hand without a code by its township and name, and gives it the code', () => {
    const [step] = planGridImport([row(2, '341222100002', '西关社区')], tree);
    expect(step).toMatchObject({ kind: 'update', node: uncoded });
  });

  it('refuses a village the file puts under another township than the tree has it, and a repeated code', () => {
    const other = node('T2', 'township', '旧县镇', county, '341222101');
    const steps = planGridImport(
      [
        row(2, '341222100001', '东关社区', { parentCode: '341222101' }),
        row(3, '341222101005', '甲村'),
        row(4, '341222101005', '乙村'),
      ],
      [...tree, other],
    );
    expect(steps).toEqual([
      expect.objectContaining({
        kind: 'rejected',
        line: 2,
        errors: [expect.objectContaining({ path: 'parentCode' })],
      }),
      expect.objectContaining({ kind: 'create', row: expect.objectContaining({ line: 3 }) }),
      expect.objectContaining({
        kind: 'rejected',
        line: 4,
        errors: [expect.objectContaining({ path: 'code' })],
      }),
    ]);
  });

  it('refuses a township of another county and a village whose township is nowhere', () => {
    const steps = planGridImport([row(2, '341221100', '临泉的镇'), row(3, '341222777001', '无主村')], tree);
    expect(steps.map((step) => step.kind)).toEqual(['rejected', 'rejected']);
  });
});
