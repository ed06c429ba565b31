import { TENANT_ID_PATTERN, USERNAME_PATTERN } from '@gridsafe/core';
import { z } from 'zod';
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

export const TenantIdSchema = z
  .string()
  .regex(
    TENANT_ID_PATTERN,
    'must be 2-32 lowercase letters or digits, starting with a letter (it ends up in IAM conditions)',
  )
  .meta({ example: 'fuyang' });

export const DivisionCodeSchema = z
  .string()
  .regex(/^\d{6}$/, 'must be the 6-digit administrative division code (行政区划代码)')
  .refine((code) => !/^\d{6}$/.test(code) || PROVINCE_PREFIXES.has(code.slice(0, 2)), {
    message: 'does not start with a province code (11-82)',
  })
  .meta({ example: '341204' });

export const OnboardSchema = z
  .strictObject({
    id: TenantIdSchema,
    name: z.string().trim().min(1).max(50).meta({ example: '颍泉区' }),
    divisionCode: DivisionCodeSchema,
    cell: z
      .string()
      .regex(CELL_ID_PATTERN, 'must be a cell id of infra/config/cells.json')
      .meta({ example: 'dev-1' }),
    admin: z.strictObject({
      username: z
        .string()
        .regex(USERNAME_PATTERN, 'must be 3-64 lowercase letters, digits, dot, dash or underscore')
        .meta({ example: 'county.admin' }),
      displayName: z.string().trim().min(1).max(50).optional(),
      password: InitialPasswordSchema.optional().meta({
        description: 'Leave out to have one generated; either way it is returned once, in this answer',
      }),
    }),
  })
  .meta({ id: 'OnboardRequest' });

export type OnboardRequest = z.infer<typeof OnboardSchema>;

export const TenantStatusSchema = z.enum(['active', 'suspended', 'offboarded']);

export const TenantSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    divisionCode: z.string(),
    cell: z.string(),
    status: TenantStatusSchema,
    createdAt: z.string(),
    updatedAt: z.string().optional(),
    version: z.number().int(),
    kbVersion: z
      .string()
      .optional()
      .meta({ description: 'The vendor knowledge-base version the county started on' }),
    adminUsername: z.string().optional(),
    statusReason: z.string().optional(),
  })
  .meta({ id: 'Tenant' });

export const StatusChangeSchema = z
  .strictObject({
    reason: z.string().trim().min(1).max(200).optional(),
    version: z
      .number()
      .int()
      .min(1)
      .optional()
      .meta({ description: 'The version you saw; stale answers 409' }),
  })
  .meta({ id: 'StatusChange' });

export const OffboardSchema = StatusChangeSchema.extend({
  cursor: z
    .string()
    .max(4096)
    .optional()
    .meta({ description: 'The users.nextCursor of the previous answer, to go on disabling users' }),
}).meta({ id: 'Offboard' });
