import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The dependency direction of architecture.md, enforced: core ← db, evidence, identity ← api ← functions;
 * infra and web take nothing that does I/O. A layer may name only the packages listed for it, and a
 * relative import may not leave its own layer's folder (that would bypass the package's `exports`).
 */
const root = resolve(import.meta.dirname, '../..');

interface Layer {
  folder: string;
  /** Workspace packages (and subpaths) this layer may import. */
  gridsafe: readonly string[];
  /** Other specifiers this layer must never import (prefix match). */
  forbidden: readonly string[];
}

const IO_MODULES = ['node:fs', 'node:http', 'node:https', 'node:net', 'node:child_process', 'node:dgram'];

const LAYERS: Record<string, Layer> = {
  core: {
    folder: 'packages/core/src',
    gridsafe: ['@gridsafe/core'],
    forbidden: ['@aws-sdk/', 'hono', ...IO_MODULES],
  },
  db: { folder: 'packages/db/src', gridsafe: ['@gridsafe/core'], forbidden: ['hono'] },
  evidence: { folder: 'packages/evidence/src', gridsafe: ['@gridsafe/core'], forbidden: ['hono'] },
  identity: { folder: 'packages/identity/src', gridsafe: ['@gridsafe/core'], forbidden: ['hono'] },
  api: {
    folder: 'packages/api/src',
    gridsafe: ['@gridsafe/core', '@gridsafe/db', '@gridsafe/evidence', '@gridsafe/identity', '@gridsafe/api'],
    forbidden: [],
  },
  functions: {
    folder: 'functions',
    gridsafe: ['@gridsafe/core', '@gridsafe/db', '@gridsafe/evidence', '@gridsafe/identity', '@gridsafe/api'],
    forbidden: [],
  },
  // Infra synthesizes templates; it may import the one dependency-free contract module and nothing else.
  infra: { folder: 'infra/src', gridsafe: ['@gridsafe/core/contract'], forbidden: ['@aws-sdk/'] },
  // The web takes types and core's pure rules; nothing that reaches AWS or the table.
  web: { folder: 'web/src', gridsafe: ['@gridsafe/core'], forbidden: ['@aws-sdk/', 'hono', ...IO_MODULES] },
};

function sourceFiles(folder: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|tsx|mts)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path);
    }
  };
  walk(join(root, folder));
  return out;
}

/** Static imports, re-exports and dynamic `import('…')` with a literal specifier. */
function specifiersOf(source: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\bfrom\s+['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /^\s*import\s+['"]([^'"]+)['"]/gm,
  ];
  for (const pattern of patterns)
    for (const match of source.matchAll(pattern)) found.push(match[1] as string);
  return found;
}

function violationsOf(name: string, layer: Layer): string[] {
  const violations: string[] = [];
  const layerRoot = join(root, layer.folder);
  for (const file of sourceFiles(layer.folder)) {
    const where = relative(root, file);
    for (const specifier of specifiersOf(readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('.')) {
        const target = resolve(file, '..', specifier);
        if (!`${target}${sep}`.startsWith(`${layerRoot}${sep}`))
          violations.push(`${where} → ${specifier} (leaves ${name})`);
        continue;
      }
      if (specifier.startsWith('@gridsafe/')) {
        const allowed = layer.gridsafe.some((p) => specifier === p || specifier.startsWith(`${p}/`));
        if (!allowed) violations.push(`${where} → ${specifier}`);
        continue;
      }
      if (layer.forbidden.some((p) => specifier === p || specifier.startsWith(p.endsWith('/') ? p : `${p}/`)))
        violations.push(`${where} → ${specifier}`);
    }
  }
  return violations;
}

describe('the dependency direction', () => {
  for (const [name, layer] of Object.entries(LAYERS)) {
    it(`keeps ${name} to the layers below it`, () => {
      expect(sourceFiles(layer.folder).length).toBeGreaterThan(0);
      expect(violationsOf(name, layer)).toEqual([]);
    });
  }

  it('finds an import that runs back up, so the rule cannot pass by reading nothing', () => {
    expect(specifiersOf(`import { x } from '@gridsafe/api';\nconst m = await import('node:fs');`)).toEqual([
      '@gridsafe/api',
      'node:fs',
    ]);
  });
});
