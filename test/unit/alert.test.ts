import {
  type AlertSource,
  alertMessages,
  alertRecipients,
  handledAlert,
  newAlert,
  publicAlertSource,
  rotatedAlertSource,
  SECRET_OVERLAP_SECONDS,
  verifyingSecrets,
} from '@gridsafe/core';
import { describe, expect, it } from 'vitest';

const now = new Date('2026-12-06T08:00:00Z');
const source: AlertSource = {
  id: '01JD5Y7ZK3QF8W0M2N4P6R8T0V',
  name: '监测平台',
  ratePerMinute: 120,
  secret: 'gss_one',
  version: 1,
  createdAt: now.toISOString(),
  updatedAt: now.toISOString(),
};
const intake = {
  sourceId: source.id,
  eventId: 'e-1',
  kind: 'gas',
  level: 'red' as const,
  message: '超限',
  observedAt: '2026-12-06T15:59:00+08:00',
};

describe('monitoring alerts', () => {
  it('verifies with the old secret until the overlap ends, then with the new one only', () => {
    const rotated = rotatedAlertSource(source, 'gss_two', now);
    expect(verifyingSecrets(rotated, now)).toEqual(['gss_two', 'gss_one']);
    const later = new Date(now.getTime() + SECRET_OVERLAP_SECONDS * 1000 + 1);
    expect(verifyingSecrets(rotated, later)).toEqual(['gss_two']);
    expect(JSON.stringify(publicAlertSource(rotated))).not.toContain('gss_');
  });

  it('tells the village of the unit and its department, and nobody of an alert of no unit', () => {
    const unit = {
      id: 'U',
      name: '化工厂',
      gridPath: 'C/T/V',
      departmentId: 'D',
      location: { lat: 33, lng: 115 },
    };
    const alert = newAlert({ ...intake, id: 'A', sourceName: source.name }, { unit }, now);
    expect(alert).toMatchObject({
      gridPath: 'C/T/V',
      location: unit.location,
      observedAt: '2026-12-06T07:59:00.000Z',
    });
    expect(alertRecipients(alert)).toEqual([
      { kind: 'grid', id: 'V' },
      { kind: 'dept', id: 'D' },
    ]);
    let n = 0;
    const messages = alertMessages(alert, () => `N${n++}`);
    expect(messages.map((m) => [m.topic, m.subject, m.urgent])).toEqual([
      ['alert_received', { type: 'alert', id: 'A' }, true],
      ['alert_received', { type: 'alert', id: 'A' }, true],
    ]);
    const unplaced = newAlert({ ...intake, id: 'B', sourceName: source.name }, {}, now);
    expect(unplaced.gridPath).toBe('');
    expect(alertRecipients(unplaced)).toEqual([]);
  });

  it('is handled once: a second conversion is a conflict', () => {
    const alert = newAlert({ ...intake, id: 'A', sourceName: source.name }, {}, now);
    const handled = handledAlert(alert, 'H', 'officer', now);
    expect(handled).toMatchObject({ status: 'handled', hazardId: 'H' });
    expect(() => handledAlert(handled, 'H2', 'officer', now)).toThrow(/already/);
  });
});
