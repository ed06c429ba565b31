import type { CreditLevel, UnitCreditView } from '../api/types.ts';
import { html } from '../html.ts';
import { formatDateTime, type MessageKey, t } from '../i18n/index.ts';

export const CREDIT_LEVELS: readonly CreditLevel[] = ['green', 'blue', 'yellow', 'red'];

/**
 * A unit's credit level as a chip people can read without the colour (the word is always there); colours in
 * styles/credit.css, chosen for WCAG AA contrast between the word and the chip.
 */
export function CreditBadge({ level }: { level: CreditLevel }) {
  return html`<span class="badge credit-badge" data-credit=${level}>${t(`credit.level.${level}` as MessageKey)}</span>`;
}

/** The unit page's panel: the level, why (each reason with its points), the patrol interval and past ratings. */
export function CreditPanel({ credit }: { credit: UnitCreditView }) {
  const current = credit.current;
  if (!current)
    return html`<div class="panel" data-testid="unit-credit"><h2>${t('credit.title')}</h2><p class="muted">${t('credit.unrated')}</p></div>`;
  const levelName = t(`credit.level.${current.level}` as MessageKey);
  return html`<div class="panel" data-testid="unit-credit">
    <div class="section-head">
      <h2>${t('credit.title')}</h2>
      <${CreditBadge} level=${current.level} />
    </div>
    <dl class="details">
      <div><dt>${t('credit.score')}</dt><dd data-testid="credit-score">${t('credit.scoreOf', { score: current.score })}</dd></div>
      <div><dt>${t('credit.patrolDays')}</dt><dd>${t('credit.everyDays', { days: current.patrolDays })}</dd></div>
      <div><dt>${t('credit.computedAt')}</dt><dd>${formatDateTime(current.computedAt)}</dd></div>
      <div><dt>${t('credit.rulesVersion')}</dt><dd>${String(current.rulesVersion)}</dd></div>
    </dl>
    <h3>${t('credit.why', { level: levelName })}</h3>
    ${
      current.reasons.length === 0
        ? html`<p class="muted">${t('credit.noReasons')}</p>`
        : html`<table class="table" data-testid="credit-reasons">
            <thead><tr><th>${t('credit.reason')}</th><th>${t('credit.count')}</th><th>${t('credit.points')}</th></tr></thead>
            <tbody>
              ${current.reasons.map(
                (reason) => html`<tr data-reason=${reason.code}>
                  <td>${t(`credit.reason.${reason.code}` as MessageKey)}</td>
                  <td>${reason.count}</td>
                  <td>${reason.points > 0 ? `+${reason.points}` : String(reason.points)}</td>
                </tr>`,
              )}
            </tbody>
          </table>`
    }
    <h3>${t('credit.history')}</h3>
    <table class="table" data-testid="credit-history">
      <thead><tr><th>${t('credit.computedAt')}</th><th>${t('credit.label')}</th><th>${t('credit.score')}</th></tr></thead>
      <tbody>
        ${credit.history.map(
          (past) => html`<tr>
            <td>${formatDateTime(past.computedAt)}</td>
            <td><${CreditBadge} level=${past.level} /></td>
            <td>${past.score}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}
