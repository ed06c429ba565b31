import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { ROLES } from '@gridsafe/core';
import { describe, expect, it } from 'vitest';

/**
 * The web draws what core and the API decide: menus from core's capabilities, buttons from `allowedActions`.
 * So no file of it names a role, except the one table of how roles are called on screen.
 */
const webSource = resolve(import.meta.dirname, '../../web/src');
const ROLE_TABLE_FILE = 'roles.ts';
/** Message catalogues are data: long by nature, and split by area already where it helps. */
const CATALOGUES = ['i18n/en.ts', 'i18n/zh-CN.ts'];
const MAX_LINES = 400;

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|css|html)$/.test(entry.name) ? [relative(webSource, path)] : [];
  });
}

const files = sourceFiles(webSource);
const roleName = new RegExp(`\\b(${ROLES.join('|')})\\b`);

describe('the web app', () => {
  it('has its sources where this test looks', () => {
    expect(files).toContain(ROLE_TABLE_FILE);
    expect(files.length).toBeGreaterThan(50);
  });

  it('names every role in its one role table', () => {
    const table = readFileSync(join(webSource, ROLE_TABLE_FILE), 'utf8');
    for (const role of ROLES) expect(table, role).toMatch(new RegExp(`\\b${role}\\b`));
  });

  it('names no role in any other file', () => {
    const naming = files
      .filter((file) => file !== ROLE_TABLE_FILE)
      .flatMap((file) => {
        const lines = readFileSync(join(webSource, file), 'utf8').split('\n');
        return lines.flatMap((line, index) => {
          const found = roleName.exec(line);
          return found ? [`${file}:${index + 1} names ${found[1]}`] : [];
        });
      });
    expect(naming).toEqual([]);
  });

  it(`keeps every source file but the message catalogues within ${MAX_LINES} lines`, () => {
    const long = files
      .filter((file) => !CATALOGUES.includes(file))
      .map((file) => ({ file, lines: readFileSync(join(webSource, file), 'utf8').split('\n').length - 1 }))
      .filter(({ lines }) => lines > MAX_LINES);
    expect(long).toEqual([]);
  });
});
