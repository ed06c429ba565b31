import * as z from 'zod/mini';
import { described } from './common-schemas.ts';
import { ColorSchema } from './grading.ts';
import type { RiskPoint } from './risk-point.ts';

/**
 * What a risk point's notice board (风险管控告知牌) tells anyone standing in front of it, and so all the public
 * page behind its QR code may show: nothing of the register (no unit, no review, no photos, no history).
 */
export interface PublicNoticeBoard {
  id: string;
  name: string;
  color: RiskPoint['color'];
  hazardFactors: string[];
  accidentTypes: string[];
  controlMeasures: string[];
  emergencyMeasures: string[];
  responsiblePerson?: { name?: string; phone?: string };
  emergencyPhone?: string;
}

export const PublicNoticeBoardSchema = described(
  z.object({
    id: z.string(),
    name: z.string(),
    color: ColorSchema,
    hazardFactors: z.array(z.string()),
    accidentTypes: z.array(z.string()),
    controlMeasures: z.array(z.string()),
    emergencyMeasures: z.array(z.string()),
    responsiblePerson: z.optional(z.object({ name: z.optional(z.string()), phone: z.optional(z.string()) })),
    emergencyPhone: z.optional(z.string()),
  }),
  { id: 'PublicNoticeBoard' },
);

/** The board's fields of a point, picked one by one so a field added to risk points never leaks onto it. */
export function publicBoardOf(point: RiskPoint): PublicNoticeBoard {
  return {
    id: point.id,
    name: point.name,
    color: point.color,
    hazardFactors: point.hazardFactors,
    accidentTypes: point.accidentTypes,
    controlMeasures: point.controlMeasures,
    emergencyMeasures: point.emergencyMeasures,
    ...(point.responsiblePerson
      ? {
          responsiblePerson: {
            ...(point.responsiblePerson.name ? { name: point.responsiblePerson.name } : {}),
            ...(point.responsiblePerson.phone ? { phone: point.responsiblePerson.phone } : {}),
          },
        }
      : {}),
    ...(point.emergencyPhone ? { emergencyPhone: point.emergencyPhone } : {}),
  };
}
