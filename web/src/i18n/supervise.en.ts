import type { superviseZhCN } from './supervise.zh-CN.ts';

/** 挂牌督办 and working days in English: the same keys as supervise.zh-CN.ts. */
export const superviseEn: Record<keyof typeof superviseZhCN, string> = {
  'nav.supervision': 'Listed supervision',
  'hazardAction.accept': 'Accept (listed)',
  'hazardAction.delist': 'Delist',
  'action.accepted': 'Accepted (listed)',
  'action.delisted': 'Delisted',
  'supervision.title': 'Listed supervision register (挂牌督办)',
  'supervision.help':
    'Major hazards the county listed for supervision, longest listed first; a listing missing any of its five commitments shows “to be completed”.',
  'supervision.empty': 'No hazard is listed for supervision.',
  'supervision.number': 'Order number',
  'supervision.unnumbered': 'Not numbered',
  'supervision.listedAt': 'Listed on',
  'supervision.age': 'Days listed',
  'supervision.ageDays': '{n} days',
  'supervision.stage': 'Stage',
  'supervision.stage.listed': 'Listed',
  'supervision.stage.accepted': 'Accepted, awaiting delisting',
  'supervision.stage.delisted': 'Delisted',
  'supervision.responsibility': 'Responsible person or unit',
  'supervision.measures': 'Measures',
  'supervision.funds': 'Funds (yuan)',
  'supervision.deadline': 'Deadline',
  'supervision.plan': 'Emergency plan',
  'supervision.missing': 'To be completed',
  'supervision.fiveImplementations': 'Five commitments',
  'supervision.panel': 'Listed supervision',
  'supervision.print': 'Print the supervision order',
  'supervision.printTitle': 'Supervision order',
  'supervision.frame': 'Supervision order preview',
  'supervision.queuedIncomplete':
    'A listing saved on this phone was not accepted: the server asks for the five commitments ({fields}). Complete them in the listing form below; the queued one is then removed.',
  'supervision.completeQueued': 'Complete the five commitments',
  'hazard.workingDaysLeft': '{n} working days left',
  'hazard.workingDaysOver': '{n} working days overdue',
  'hazard.deadlineWorking':
    'Deadlines count working days (public holidays, make-up days and the county’s adjustments)',
  'countySettings.workingCalendar': 'Working days',
  'countySettings.workingCalendarHelp':
    'Rectification deadlines and escalation count working days: the vendor publishes each year’s public holidays and make-up working days (2027 is provisional); the county may add days off or working days. One date a line, as 2026-12-31.',
  'countySettings.extraHolidays': 'Extra days off in this county',
  'countySettings.extraWorkingDays': 'Extra working days in this county',
};
