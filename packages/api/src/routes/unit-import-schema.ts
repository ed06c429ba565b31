import { described } from '@gridsafe/core';
import * as z from 'zod/mini';

// The import's answer and limit, apart from the import itself (unit-import.ts): the route table and the body
// limit need them at every cold start, the CSV parsing and batching only when a county imports.

/**
 * The answer of a spreadsheet import: the encoding it read, the counts, and one result per row naming the record
 * it came to (`record`: the row's own identifying fields, such as the unit's id and credit code).
 */
export function importResultSchema<R extends Record<string, z.ZodMiniType>>(id: string, record: R) {
  return described(
    z.object({
      encoding: z.string(),
      summary: z.object({
        total: z.number().check(z.int()),
        created: z.number().check(z.int()),
        updated: z.number().check(z.int()),
        unchanged: z.number().check(z.int()),
        rejected: z.number().check(z.int()),
      }),
      rows: z.array(
        z.object({
          line: z.number().check(z.int()),
          status: z.enum(['created', 'updated', 'unchanged', 'rejected']),
          ...record,
          errors: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
        }),
      ),
    }),
    { id },
  );
}

export const UnitImportResultSchema = importResultSchema('UnitImportResult', {
  unitId: z.optional(z.string()),
  creditCode: z.optional(z.string()),
});

/** Spreadsheets may be larger than a JSON body (8,500 units is about 1.3 MB of GB18030 text). */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
