import { described, TENANT_ID_PATTERN, USERNAME_PATTERN } from '@gridsafe/core';
import * as z from 'zod/mini';
import { InitialPasswordSchema } from './initial-password.ts';

/** First two digits of the administrative division codes of China's provinces, regions and municipalities. */
const PROVINCE_PREFIXES = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '81',
  '82',
]);

/** The same pattern as infra/src/cells-config.ts: lowercase letters, digits and dashes. */
const CELL_ID_PATTERN = /^[a-z][a-z0-9-]{1,30}[a-z0-9]$/;

export const TenantIdSchema = described(
  z
    .string()
    .check(
      z.regex(
        TENANT_ID_PATTERN,
        'must be 2-32 lowercase letters or digits, starting with a letter (it ends up in IAM conditions)',
      ),
    ),
  { example: 'fuyang' },
);

export const DivisionCodeSchema = described(
  z.string().check(
    z.regex(/^\d{6}$/, 'must be the 6-digit administrative division code (行政区划代码)'),
    z.refine((code) => !/^\d{6}$/.test(code) || PROVINCE_PREFIXES.has(code.slice(0, 2)), {
      message: 'does not start with a province code (11-82)',
    }),
  ),
  { example: '341204' },
);

export const OnboardSchema = described(
  z.strictObject({
    id: TenantIdSchema,
    name: described(z.string().check(z.trim(), z.minLength(1), z.maxLength(50)), { example: '颍泉区' }),
    divisionCode: DivisionCodeSchema,
    cell: described(
      z.string().check(z.regex(CELL_ID_PATTERN, 'must be a cell id of infra/config/cells.json')),
      { example: 'dev-1' },
    ),
    admin: z.strictObject({
      username: described(
        z
          .string()
          .check(
            z.regex(USERNAME_PATTERN, 'must be 3-64 lowercase letters, digits, dot, dash or underscore'),
          ),
        { example: 'county.admin' },
      ),
      displayName: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(50))),
      password: described(z.optional(InitialPasswordSchema), {
        description: 'Leave out to have one generated; either way it is returned once, in this answer',
      }),
    }),
  }),
  { id: 'OnboardRequest' },
);

export type OnboardRequest = z.infer<typeof OnboardSchema>;

export const TenantStatusSchema = z.enum(['active', 'suspended', 'offboarded']);

export const TenantSchema = described(
  z.object({
    id: z.string(),
    name: z.string(),
    divisionCode: z.string(),
    cell: z.string(),
    status: TenantStatusSchema,
    createdAt: z.string(),
    updatedAt: z.optional(z.string()),
    version: z.number().check(z.int()),
    kbVersion: described(z.optional(z.string()), {
      description: 'The vendor knowledge-base version the county started on',
    }),
    adminUsername: z.optional(z.string()),
    statusReason: z.optional(z.string()),
  }),
  { id: 'Tenant' },
);

export const StatusChangeSchema = described(
  z.strictObject({
    reason: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
    version: described(z.optional(z.number().check(z.int(), z.minimum(1))), {
      description: 'The version you saw; stale answers 409',
    }),
  }),
  { id: 'StatusChange' },
);

export const OffboardSchema = described(
  z.extend(StatusChangeSchema, {
    cursor: described(z.optional(z.string().check(z.maxLength(4096))), {
      description: 'The users.nextCursor of the previous answer, to go on disabling users',
    }),
  }),
  { id: 'Offboard' },
);
