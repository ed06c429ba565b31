import type { NotificationMessage } from '@gridsafe/core';

/** The web app's page of a notice's record, as the notices page links it (web/src/pages/notices.ts). */
export function recordLink(origin: string, tenant: string) {
  return (subject: NotificationMessage['subject']) => {
    const collection = {
      hazard: 'hazards',
      'risk-point': 'risk-points',
      patrol: 'm/patrols',
      alert: 'alerts',
    }[subject.type];
    return `${origin}/${tenant}/${collection}/${subject.id}`;
  };
}
