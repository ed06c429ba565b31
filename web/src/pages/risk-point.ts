import { useState } from 'preact/hooks';
import { ApiError, api, apiBase } from '../api/client.ts';
import type { AuditTrail, RiskPoint, RiskPointView } from '../api/types.ts';
import { AuditHistory } from '../components/audit-history.ts';
import { ColourBadge, StatusBadge } from '../components/colour-badge.ts';
import { ErrorNotice, Loading, PageTitle } from '../components/common.ts';
import { NearbyResources } from '../components/nearby-resources.ts';
import { describePhoto, PHOTO_TYPES } from '../components/photo-picker.ts';
import { PhotoPanel } from '../components/photo-tile.ts';
import { PlansPanel } from '../components/plans-panel.ts';
import { currentPosition } from '../geo.ts';
import { useAsync } from '../hooks.ts';
import { html } from '../html.ts';
import { formatDateTime, label, t } from '../i18n/index.ts';
import { can } from '../permissions.ts';
import { industryName, loadGrid, loadIndustries } from '../ref-data.ts';
import { accessToken, session } from '../session.ts';

/**
 * Photo evidence: the API presigns an upload for the exact size and SHA-256, the phone PUTs the bytes straight
 * to object storage (never through the API), then asks the API to verify and add it to the record.
 */
async function uploadPhoto(point: RiskPoint, file: File): Promise<RiskPoint> {
  const location = await currentPosition();
  const photo = await describePhoto(file, location);
  const answer = await api<{
    upload: { url: string; method: 'PUT'; headers: Record<string, string> };
    photo: { id: string };
  }>(`/risk-points/${point.id}/photos`, {
    method: 'POST',
    body: {
      contentType: photo.contentType,
      size: photo.size,
      sha256: photo.sha256,
      takenAt: photo.takenAt,
      ...(location ? { location } : {}),
    },
  });
  const put = await fetch(answer.upload.url, {
    method: 'PUT',
    headers: answer.upload.headers,
    body: photo.blob,
  });
  if (!put.ok) throw new ApiError(put.status);
  return api<RiskPoint>(`/risk-points/${point.id}/photos/${answer.photo.id}/confirm`, { method: 'POST' });
}

function List({ title, items }: { title: string; items: string[] }) {
  if (items.length === 0) return null;
  return html`<div class="panel"><h2>${title}</h2><ul class="plain-list">${items.map((item) => html`<li>${item}</li>`)}</ul></div>`;
}

/**
 * The notice board (告知牌) is HTML the API renders for printing. It is shown in a sandboxed frame with scripts
 * off, so even a board carrying unexpected markup can do nothing in the app.
 */
function NoticeBoard({ point }: { point: RiskPoint }) {
  const [page, setPage] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  let frame: HTMLIFrameElement | null = null;
  const load = async () => {
    try {
      const token = await accessToken();
      const response = await fetch(`${apiBase(session.value!.tenant)}/risk-points/${point.id}/notice-board`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      if (!response.ok) throw new ApiError(response.status);
      setPage(await response.text());
    } catch (caught) {
      setError(caught);
    }
  };
  return html`<div class="panel">
    <div class="section-head">
      <h2>${t('riskPoint.noticeBoard')}</h2>
      ${!page ? html`<button type="button" class="button" onClick=${load}>${t('riskPoint.showNoticeBoard')}</button>` : null}
      ${page ? html`<button type="button" class="button" onClick=${() => frame?.contentWindow?.print()}>${t('riskPoint.print')}</button>` : null}
    </div>
    ${error ? html`<${ErrorNotice} error=${error} />` : null}
    ${
      page
        ? html`<iframe class="notice-board" title=${t('riskPoint.noticeBoard')} sandbox="allow-same-origin allow-modals" srcdoc=${page}
      ref=${(element: HTMLIFrameElement | null) => {
        frame = element;
      }}></iframe>`
        : null
    }
  </div>`;
}

/** A risk point's record: what it is, its grading history, measures, photos, the actions open to the viewer, and its audit trail. */
export function RiskPointPage({ id }: { id: string }) {
  const current = session.value!;
  const tenant = current.tenant;
  const point = useAsync(() => api<RiskPointView>(`/risk-points/${encodeURIComponent(id)}`), [id]);
  const audit = useAsync(() => api<AuditTrail>(`/risk-points/${encodeURIComponent(id)}/audit`), [id]);
  const industries = useAsync(loadIndustries, []);
  const grid = useAsync(
    () => (point.data ? loadGrid(point.data.gridId).catch(() => undefined) : Promise.resolve(undefined)),
    [point.data?.gridId],
  );
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>();
  // The step that needs a reason (return, reopen) while its form is open.
  const [asking, setAsking] = useState<'return' | 'reopen' | undefined>();
  const [reason, setReason] = useState('');
  if (point.error) return html`<${ErrorNotice} error=${point.error} onRetry=${point.reload} />`;
  if (!point.data) return html`<${Loading} />`;
  const rp: RiskPointView = point.data;
  // The API says which steps this person may take now (core decides); the page only draws them.
  const allowed = new Set(rp.allowedActions ?? []);
  const canEdit = rp.status === 'draft' && allowed.has('submit');

  const act = async (
    action: 'submit' | 'approve' | 'return' | 'reopen',
    body: Record<string, unknown> = {},
  ) => {
    setBusy(true);
    setActionError(undefined);
    try {
      const location = action === 'return' ? undefined : await currentPosition();
      await api<RiskPoint>(`/risk-points/${rp.id}/${action}`, {
        method: 'POST',
        headers: { 'if-match': String(rp.version) },
        body: { ...body, ...(location ? { location } : {}) },
      });
      setAsking(undefined);
      setReason('');
      point.reload();
      audit.reload();
    } catch (caught) {
      setActionError(caught);
    } finally {
      setBusy(false);
    }
  };
  const addPhoto = async (event: Event) => {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    setBusy(true);
    setActionError(undefined);
    try {
      await uploadPhoto(rp, file);
      point.reload();
      audit.reload();
    } catch (caught) {
      setActionError(caught);
    } finally {
      input.value = '';
      setBusy(false);
    }
  };
  const photoRequired = actionError instanceof ApiError && actionError.problem?.code === 'photo_required';

  const rows: [string, string][] = [
    [t('unit.industry'), industryName(industries.data, rp.industry)],
    [t('unit.grid'), grid.data?.name ?? ''],
    [t('unit.location'), `${rp.location.lat}, ${rp.location.lng}`],
    [t('unit.address'), rp.address ?? ''],
    [
      t('riskPoint.responsible'),
      [rp.responsiblePerson?.name, rp.responsiblePerson?.phone].filter(Boolean).join(' '),
    ],
    [t('riskPoint.emergencyPhone'), rp.emergencyPhone ?? ''],
    [t('unit.createdAt'), formatDateTime(rp.createdAt)],
    [t('unit.updatedAt'), formatDateTime(rp.updatedAt)],
    [t('unit.version'), String(rp.version)],
  ];
  return html`<section data-testid="risk-point-record">
    <${PageTitle} title=${rp.name}>
      <${ColourBadge} colour=${rp.color} />
      <${StatusBadge} status=${rp.status} />
    </${PageTitle}>
    <p>${t('riskPoint.unit')}: <a href=${`/${tenant}/units/${rp.unitId}`}>${rp.unitName}</a></p>
    ${rp.returnReason ? html`<div class="notice notice-warn" data-testid="return-reason">${t('riskPoint.returned', { reason: rp.returnReason })}</div>` : null}

    <div class="panel actions-panel" data-testid="actions">
      <h2>${t('riskPoint.actions')}</h2>
      ${
        rp.reviewChain.length > 0
          ? html`<p class="review-chain">${t('riskPoint.reviewChain')}:
              ${rp.reviewChain.map(
                (
                  level,
                  i,
                ) => html`<span class=${`badge ${i < rp.reviewStep ? 'badge-ok' : i === rp.reviewStep ? 'badge-warn' : ''}`}>
                  ${label('reviewLevel', level)} ${i < rp.reviewStep ? t('riskPoint.approvedMark') : i === rp.reviewStep ? t('riskPoint.waitingMark') : ''}
                </span>`,
              )}
            </p>`
          : null
      }
      ${actionError && !photoRequired ? html`<${ErrorNotice} error=${actionError} />` : null}
      ${photoRequired ? html`<div class="notice notice-error" role="alert">${t('riskPoint.photoRequired')}</div>` : null}
      <div class="form-actions wrap">
        ${allowed.has('submit') ? html`<button type="button" class="button button-primary" disabled=${busy} onClick=${() => act('submit')}>${t('riskPoint.submit')}</button>` : null}
        ${allowed.has('approve') ? html`<button type="button" class="button button-primary" disabled=${busy} onClick=${() => act('approve')}>${t('riskPoint.approve')}</button>` : null}
        ${allowed.has('return') && !asking ? html`<button type="button" class="button button-danger" disabled=${busy} onClick=${() => setAsking('return')}>${t('riskPoint.return')}</button>` : null}
        ${allowed.has('reopen') && !asking ? html`<button type="button" class="button" disabled=${busy} onClick=${() => setAsking('reopen')} data-testid="reopen">${t('riskPoint.reopen')}</button>` : null}
        ${
          canEdit
            ? html`<label class="button">
                ${t('riskPoint.addPhoto')}
                <input type="file" accept=${PHOTO_TYPES} capture="environment" class="visually-hidden"
                  disabled=${busy} onChange=${addPhoto} data-testid="photo-input" />
              </label>`
            : null
        }
      </div>
      ${
        asking
          ? html`<form class="form" data-testid=${`${asking}-form`} onSubmit=${(e: Event) => {
              e.preventDefault();
              if (reason.trim()) void act(asking, { reason: reason.trim() });
            }}>
              <div class="field">
                <label for="f-reason">${t(asking === 'return' ? 'riskPoint.returnReason' : 'riskPoint.reopenReason')}</label>
                <textarea id="f-reason" name="reason" rows="3" maxlength="500" required value=${reason}
                  onInput=${(e: Event) => setReason((e.target as HTMLTextAreaElement).value)}></textarea>
              </div>
              <div class="form-actions">
                <button type="submit" class="button button-danger" disabled=${busy || !reason.trim()}>${t(asking === 'return' ? 'riskPoint.confirmReturn' : 'riskPoint.confirmReopen')}</button>
                <button type="button" class="button" onClick=${() => setAsking(undefined)}>${t('action.cancel')}</button>
              </div>
            </form>`
          : null
      }
    </div>

    <div class="panel">
      <dl class="details">${rows.map(([name, value]) => html`<div><dt>${name}</dt><dd>${value || '—'}</dd></div>`)}</dl>
      ${rp.description ? html`<p>${rp.description}</p>` : null}
    </div>

    <div class="panel">
      <h2>${t('riskPoint.grading')}</h2>
      ${rp.gradings.length === 0 ? html`<p class="muted">${t('riskPoint.notGraded')}</p>` : null}
      ${
        rp.gradings.length > 0
          ? html`<table class="table responsive">
              <thead><tr>
                <th>${t('riskPoint.method')}</th><th>${t('riskPoint.inputs')}</th><th class="num">${t('riskPoint.score')}</th>
                <th>${t('riskPoint.colour')}</th><th>${t('riskPoint.tableVersion')}</th><th>${t('riskPoint.gradedBy')}</th>
              </tr></thead>
              <tbody>
                ${[...rp.gradings].reverse().map(
                  (g) => html`<tr>
                    <td data-label=${t('riskPoint.method')}>${g.method}</td>
                    <td data-label=${t('riskPoint.inputs')}>${Object.entries(g.inputs)
                      .map(([k, v]) => `${k}=${v}`)
                      .join(', ')}</td>
                    <td class="num" data-label=${t('riskPoint.score')}>${g.score}</td>
                    <td data-label=${t('riskPoint.colour')}><${ColourBadge} colour=${g.color} /></td>
                    <td data-label=${t('riskPoint.tableVersion')}>v${g.tableVersion}</td>
                    <td data-label=${t('riskPoint.gradedBy')}>${g.by} · ${formatDateTime(g.at)}</td>
                  </tr>`,
                )}
              </tbody>
            </table>`
          : null
      }
    </div>

    <div class="panel-grid">
      <${List} title=${t('knowledge.hazardFactors')} items=${rp.hazardFactors} />
      <${List} title=${t('knowledge.accidentTypes')} items=${rp.accidentTypes} />
      <${List} title=${t('knowledge.controlMeasures')} items=${rp.controlMeasures} />
      <${List} title=${t('knowledge.emergencyMeasures')} items=${rp.emergencyMeasures} />
      <${List} title=${t('knowledge.checklist')} items=${rp.checklist.map((item) => item.text)} />
    </div>

    <${PhotoPanel} base=${`/risk-points/${rp.id}`} photos=${rp.photos} alt=${rp.name} />

    <${NoticeBoard} point=${rp} />
    <${PlansPanel} riskPointId=${rp.id} />
    ${can('resource.read') ? html`<${NearbyResources} at=${rp.location} />` : null}
    ${audit.error ? html`<${ErrorNotice} error=${audit.error} />` : null}
    ${audit.data ? html`<div class="panel"><${AuditHistory} trail=${audit.data} /></div>` : null}
  </section>`;
}
