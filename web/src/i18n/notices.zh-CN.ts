/** 消息提醒: the bell in the header and the notices page. Merged into zh-CN.ts. */
export const noticesZhCN = {
  'notices.bell': '消息',
  'notices.bellLabel': '消息,{n} 条未读',
  'notices.title': '消息提醒',
  'notices.hint': '发给您所在岗位(网格、部门或单位)的提醒,最新的在前。打开一条即标为已读。',
  'notices.empty': '暂无消息。',
  'notices.unread': '未读',
  'notices.markRead': '标为已读',
  'notices.markAllRead': '全部标为已读',
  'notices.openHazard': '查看隐患',
  'notices.openRiskPoint': '查看风险点',
  'notices.onlyUnread': '只看未读',
  'notices.topic.hazard_escalated': '隐患上报',
  'notices.topic.hazard_supervised': '挂牌督办',
  'notices.topic.hazard_overdue': '隐患逾期',
  'notices.topic.risk_point_reopened': '风险点退回',
};
