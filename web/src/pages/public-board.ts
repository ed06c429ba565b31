import { apiBase } from '../api/client.ts';
import type { PublicNoticeBoard } from '../api/types.ts';
import { ColourBadge } from '../components/colour-badge.ts';
import { Loading } from '../components/common.ts';
import { useAsync } from '../hooks.ts';
import { html } from '../html.ts';
import { t } from '../i18n/index.ts';
import { session } from '../session.ts';

class BoardUnavailable extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

/** The public board, fetched with no token: the page must work for anyone who scans the QR code. */
async function loadBoard(tenant: string, id: string): Promise<PublicNoticeBoard> {
  const response = await fetch(`${apiBase(tenant)}/public/risk-points/${encodeURIComponent(id)}`, {
    headers: { accept: 'application/json' },
  });
  if (!response.ok) throw new BoardUnavailable(response.status);
  return (await response.json()) as PublicNoticeBoard;
}

function Section({ title, items }: { title: string; items: string[] }) {
  return html`<section class="public-board-section">
    <h2>${title}</h2>
    ${items.length > 0 ? html`<ul>${items.map((item) => html`<li>${item}</li>`)}</ul>` : html`<p>—</p>`}
  </section>`;
}

/**
 * What a notice board's QR code opens (`/<county>/r/<id>`), signed in or not: the board as printed, read-only.
 * Someone signed in to this county also gets the way to the record itself.
 */
export function PublicBoardPage({ tenant, id }: { tenant: string; id: string }) {
  const board = useAsync(() => loadBoard(tenant, id), [tenant, id]);
  const signedIn = session.value?.tenant === tenant;
  if (board.error) {
    const tooMany = board.error instanceof BoardUnavailable && board.error.status === 429;
    return html`<main class="public-board" data-testid="public-board">
      <h1>${t('publicBoard.title')}</h1>
      <p role="alert">${t(tooMany ? 'publicBoard.tooMany' : 'publicBoard.notFound')}</p>
    </main>`;
  }
  if (!board.data) return html`<main class="public-board"><${Loading} /></main>`;
  const b = board.data;
  return html`<main class="public-board" data-testid="public-board" data-colour=${b.color}>
    <header class="public-board-head">
      <p class="public-board-kind">${t('publicBoard.title')}</p>
      <h1>${b.name}</h1>
      <p><${ColourBadge} colour=${b.color} /> ${t(`publicBoard.colour.${b.color}`)}</p>
    </header>
    <${Section} title=${t('publicBoard.hazardFactors')} items=${b.hazardFactors} />
    <${Section} title=${t('publicBoard.accidentTypes')} items=${b.accidentTypes} />
    <${Section} title=${t('publicBoard.controlMeasures')} items=${b.controlMeasures} />
    <${Section} title=${t('publicBoard.emergencyMeasures')} items=${b.emergencyMeasures} />
    <dl class="public-board-contacts">
      <div><dt>${t('publicBoard.responsible')}</dt><dd>${b.responsiblePerson?.name ?? '—'}</dd></div>
      <div><dt>${t('publicBoard.phone')}</dt><dd>${
        b.responsiblePerson?.phone
          ? html`<a href=${`tel:${b.responsiblePerson.phone}`}>${b.responsiblePerson.phone}</a>`
          : '—'
      }</dd></div>
      <div><dt>${t('publicBoard.emergencyPhone')}</dt><dd><a href=${`tel:${b.emergencyPhone ?? '119'}`}>${b.emergencyPhone ?? '119 / 120'}</a></dd></div>
    </dl>
    ${signedIn ? html`<p><a class="button" href=${`/${tenant}/risk-points/${b.id}`}>${t('publicBoard.openRecord')}</a></p>` : null}
  </main>`;
}
