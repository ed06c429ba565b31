/** The four risk colours of the grading standard, plus "not yet graded". Fixed hues: people read them at a glance. */
export const RISK_COLOURS = ['red', 'orange', 'yellow', 'blue', 'ungraded'] as const;
export type RiskColour = (typeof RISK_COLOURS)[number];

export const COLOUR_HEX: Record<RiskColour, string> = {
  red: '#d9363e',
  orange: '#f08c00',
  yellow: '#f2c200',
  blue: '#1c7ed6',
  ungraded: '#868e96',
};
