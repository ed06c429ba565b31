import type { Operation } from './openapi-routes.ts';
import type { Seeded } from './stack.ts';

/**
 * Names that must come back exactly as sent: astral CJK (U+20000), ZWJ emoji sequences, markup, SQL and
 * template injections, a right-to-left override, zero-width characters, decomposed accents, full-width forms
 * and escapes. None is trimmed at either end (names are trimmed by design), and all fit 50 UTF-16 units.
 */
export const VERBATIM_NAMES = [
  '𠀀𠀁𪚥 加油站 👨‍👩‍👧‍👦🏳️‍🌈',
  '<script>alert("x")</script>',
  "'; DROP TABLE units; --",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template injection, sent as text on purpose.
  '{{7*7}} ${7*7} #{7*7} <%= 7*7 %>',
  '储罐\u202eevil\u202c区',
  '零\u200b宽\u200d字\ufeff符',
  'e\u0301 vs é',
  'Ｓｃｒｉｐｔ ＜ｓｃｒｉｐｔ＞',
  '\\"\\n\\u0000 反斜杠',
  '&lt;b&gt; &amp; <b>粗</b>',
  'Robert"); DELETE FROM users;--',
  '$where: 1 == 1 {"$gt": ""}',
  'T#other#RP#01JD5Y7ZK3QF8W0M2N4P6R8T0V',
  'a\tb\nc 制表',
];

/** The ids of this county that make each operation's path valid, so fuzzing reaches the handlers. */
export function validPathFor(
  op: Operation,
  county: Seeded,
  extra: { pointId: string; photoId: string; more?: Record<string, string> },
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of op.pathParams) {
    if (name === 'photoId') values[name] = extra.photoId;
    else if (name === 'code') values[name] = 'gas';
    else if (name === 'deliveryId') values[name] = extra.more?.webhookDeliveries ?? extra.pointId;
    else if (op.path.startsWith('/grids/')) values[name] = county.village2;
    else if (op.path.startsWith('/units/')) values[name] = county.unit(2);
    else if (op.path.startsWith('/users/')) values[name] = county.user('grid.member');
    else if (op.path.startsWith('/risk-points/')) values[name] = extra.pointId;
    else values[name] = extra.more?.[op.path.split('/')[1] ?? ''] ?? extra.pointId;
  }
  return values;
}
