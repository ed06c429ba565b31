import { CAPABILITIES, type Capability, hasCapability, ROLES, type Role } from '@gridsafe/core';
import { describe, expect, it } from 'vitest';

/**
 * What each role may do, written out by hand so that granting a role one capability more (or less) than
 * intended fails here. Columns, in order: vendor operator, county admin, department officer, township officer,
 * grid member, unit user: the order of core's ROLES, so reordering ROLES fails here too. `x` grants, `.` refuses.
 */
const EXPECTED: Record<Capability, string> = {
  //                    vo ca do to gm uu
  'grid.read': '         x  x  x  x  x  .',
  'grid.manage': '       .  x  .  .  .  .',
  'department.read': '   x  x  x  x  x  x',
  'department.manage': ' .  x  .  .  .  .',
  'unit.read': '         x  x  x  x  x  x',
  'unit.create': '       .  x  .  x  x  .',
  'unit.update': '       .  x  x  x  x  .',
  'unit.import': '       .  x  .  .  .  .',
  'unit.changeStatus': ' .  x  x  x  .  .',
  'user.read': '         x  x  .  .  .  .',
  'user.manage': '       .  x  .  .  .  .',
  'stats.read': '        x  x  x  x  x  .',
  'riskPoint.read': '    x  x  x  x  x  x',
  'riskPoint.file': '    .  x  .  x  x  x',
  'riskPoint.review': '  .  x  .  x  .  .',
  'settings.read': '     x  x  x  x  x  .',
  'settings.manage': '   .  x  .  .  .  .',
  'knowledge.manage': '  .  x  .  .  .  .',
  'hazard.read': '       x  x  x  x  x  x',
  'hazard.report': '     .  x  x  x  x  x',
  'hazard.rectify': '    .  x  .  x  x  x',
  'hazard.verify': '     .  x  x  x  .  .',
  'hazard.supervise': '  .  x  .  .  .  .',
  'patrol.read': '       x  x  x  x  x  .',
  'patrol.complete': '   .  x  .  .  x  .',
  'assessment.read': '   x  x  x  x  .  .',
  'assessment.manage': ' .  x  .  .  .  .',
  'loginEvent.read': '   .  x  .  .  .  .',
  'vendorGrant.manage': '.  x  .  .  .  .',
  'register.export': '   .  x  x  x  .  .',
  'inspection.read': '   x  x  x  x  .  .',
  'inspection.record': ' .  x  x  x  .  .',
  'alert.read': '        x  x  x  x  x  .',
  'alert.handle': '      .  x  x  x  .  .',
  'alertSource.manage': '.  x  .  .  .  .',
  'resource.read': '     x  x  x  x  x  .',
  'resource.manage': '   .  x  .  x  .  .',
  'plan.manage': '       .  x  x  x  .  x',
  'webhook.manage': '    .  x  .  .  .  .',
  'exchange.read': '     .  x  x  x  .  .',
};

function expectedGrant(role: Role, capability: Capability): boolean {
  const marks = EXPECTED[capability].trim().split(/\s+/);
  return marks[ROLES.indexOf(role)] === 'x';
}

describe('role capabilities', () => {
  it('names every role and every capability in the expected table', () => {
    expect(ROLES.join(' ')).toBe(
      'vendor_operator county_admin department_officer township_officer grid_member unit_user',
    );
    expect(Object.keys(EXPECTED).sort()).toEqual([...CAPABILITIES].sort());
    for (const capability of CAPABILITIES) {
      expect(EXPECTED[capability].trim().split(/\s+/), capability).toHaveLength(ROLES.length);
    }
  });

  for (const role of ROLES) {
    it(`grants the ${role} exactly the capabilities of its column`, () => {
      const granted = CAPABILITIES.filter((capability) => hasCapability({ role }, capability));
      const expected = CAPABILITIES.filter((capability) => expectedGrant(role, capability));
      expect(granted).toEqual(expected);
    });
  }
});
