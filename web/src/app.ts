import type { Capability } from '@gridsafe/core/permissions';
import type { ComponentType } from 'preact';
import { useEffect } from 'preact/hooks';
import { PageTitle } from './components/common.ts';
import { Layout } from './components/layout.ts';
import { html } from './html.ts';
import { t } from './i18n/index.ts';
import { homePath } from './nav.ts';
import { AlertSourcesPage } from './pages/alert-sources.ts';
import { AlertPage, AlertsPage } from './pages/alerts.ts';
import { AssessmentPrintPage } from './pages/assessment-print.ts';
import { AssessmentsPage } from './pages/assessments.ts';
import { AuthCallbackPage } from './pages/auth-callback.ts';
import { DepartmentsPage } from './pages/departments.ts';
import { GridImportPage } from './pages/grid-import.ts';
import { GridStatsPage } from './pages/grid-stats.ts';
import { GridTreePage } from './pages/grids.ts';
import { HazardPage } from './pages/hazard.ts';
import { HazardsPage } from './pages/hazards.ts';
import { ImportJobPage } from './pages/import-job.ts';
import { InspectionPage, InspectionPrintPage } from './pages/inspection.ts';
import { InspectionNewPage } from './pages/inspection-new.ts';
import { InspectionsPage } from './pages/inspections.ts';
import { KnowledgeIndustryPage, KnowledgePage } from './pages/knowledge.ts';
import { KnowledgeEditorPage } from './pages/knowledge-editor.ts';
import { LoginPage } from './pages/login.ts';
import { LoginEventsPage } from './pages/login-events.ts';
import { MapPage } from './pages/map.ts';
import { FileRiskPointPage } from './pages/mobile/file-risk-point.ts';
import { PatrolPage } from './pages/mobile/patrol.ts';
import { ReportHazardPage } from './pages/mobile/report-hazard.ts';
import { SyncPage } from './pages/mobile/sync.ts';
import { TasksPage } from './pages/mobile/tasks.ts';
import { NotLinkedPage } from './pages/not-linked.ts';
import { NoticeBoardsPrintPage } from './pages/notice-boards-print.ts';
import { NoticesPage } from './pages/notices.ts';
import { PatrolsPage } from './pages/patrols.ts';
import { PublicBoardPage } from './pages/public-board.ts';
import { ResourcesPage } from './pages/resources.ts';
import { RiskPointPage } from './pages/risk-point.ts';
import { ReviewQueuePage, RiskPointsPage } from './pages/risk-points.ts';
import { SettingsPage } from './pages/settings.ts';
import { StatisticsPage } from './pages/statistics.ts';
import { SupervisionOrderPrintPage } from './pages/supervision-order-print.ts';
import { SupervisionRegisterPage } from './pages/supervision-register.ts';
import { UnitPage } from './pages/unit.ts';
import { UnitCreatePage } from './pages/unit-create.ts';
import { UnitImportPage } from './pages/unit-import.ts';
import { UnitsPage } from './pages/units.ts';
import { UsersPage } from './pages/users.ts';
import { VendorAccessPage } from './pages/vendor-access.ts';
import { WebhooksPage } from './pages/webhooks.ts';
import { WorkforcePage } from './pages/workforce.ts';
import { can } from './permissions.ts';
import { location, matchPath, navigate, nextAfterLogin } from './router.ts';
import { session, TENANT_PATTERN } from './session.ts';

interface Route {
  /** Under `/<county>/`. */
  pattern: string;
  // biome-ignore lint/suspicious/noExplicitAny: each page takes its own route parameters.
  page: ComponentType<any>;
  /** The capability it needs (core's table); absent = anyone signed in. The API enforces the same again. */
  needs?: Capability;
  props?: Record<string, unknown>;
}

/** The page table; menu entries are in nav.ts. */
const ROUTES: Route[] = [
  { pattern: 'grids', page: GridTreePage, needs: 'grid.read' },
  { pattern: 'grids/import', page: GridImportPage, needs: 'grid.manage' },
  { pattern: 'grids/:id', page: GridStatsPage, needs: 'grid.read' },
  { pattern: 'units', page: UnitsPage },
  { pattern: 'units/new', page: UnitCreatePage, needs: 'unit.create' },
  { pattern: 'units/import', page: UnitImportPage, needs: 'unit.import' },
  { pattern: 'units/import-job', page: ImportJobPage, needs: 'unit.import' },
  { pattern: 'units/:id', page: UnitPage },
  { pattern: 'risk-points', page: RiskPointsPage },
  { pattern: 'risk-points/:id', page: RiskPointPage },
  { pattern: 'review', page: ReviewQueuePage, needs: 'riskPoint.review' },
  { pattern: 'boards/:kind/:id', page: NoticeBoardsPrintPage, needs: 'riskPoint.read' },
  { pattern: 'hazards', page: HazardsPage },
  { pattern: 'hazards/:id', page: HazardPage },
  { pattern: 'supervision', page: SupervisionRegisterPage, needs: 'hazard.read' },
  { pattern: 'supervision/:id/order', page: SupervisionOrderPrintPage, needs: 'hazard.read' },
  { pattern: 'inspections', page: InspectionsPage, needs: 'inspection.read' },
  { pattern: 'resources', page: ResourcesPage, needs: 'resource.read' },
  { pattern: 'inspections/new', page: InspectionNewPage, needs: 'inspection.record' },
  { pattern: 'inspections/:id', page: InspectionPage, needs: 'inspection.read' },
  { pattern: 'inspections/:id/print/:kind', page: InspectionPrintPage, needs: 'inspection.read' },
  { pattern: 'alerts', page: AlertsPage, needs: 'alert.read' },
  { pattern: 'alerts/:id', page: AlertPage, needs: 'alert.read' },
  { pattern: 'alert-sources', page: AlertSourcesPage, needs: 'alertSource.manage' },
  { pattern: 'webhooks', page: WebhooksPage, needs: 'webhook.manage' },
  { pattern: 'assessments', page: AssessmentsPage, needs: 'assessment.read' },
  { pattern: 'assessments/print', page: AssessmentPrintPage, needs: 'assessment.read' },
  { pattern: 'workforce', page: WorkforcePage, needs: 'assessment.read' },
  { pattern: 'patrols', page: PatrolsPage, needs: 'patrol.read' },
  { pattern: 'statistics', page: StatisticsPage, needs: 'assessment.read' },
  { pattern: 'map', page: MapPage },
  { pattern: 'departments', page: DepartmentsPage },
  { pattern: 'users', page: UsersPage, needs: 'user.manage' },
  { pattern: 'login-events', page: LoginEventsPage, needs: 'loginEvent.read' },
  { pattern: 'vendor-access', page: VendorAccessPage, needs: 'vendorGrant.manage' },
  { pattern: 'knowledge', page: KnowledgePage },
  { pattern: 'knowledge/edit', page: KnowledgeEditorPage, needs: 'knowledge.manage' },
  { pattern: 'knowledge/:code', page: KnowledgeIndustryPage },
  { pattern: 'settings', page: SettingsPage },
  { pattern: 'notices', page: NoticesPage },
  { pattern: 'm/tasks', page: TasksPage },
  {
    pattern: 'm/register',
    page: UnitCreatePage,
    needs: 'unit.create',
    props: { compact: true },
  },
  {
    pattern: 'm/file',
    page: FileRiskPointPage,
    needs: 'riskPoint.file',
  },
  { pattern: 'm/sync', page: SyncPage },
  { pattern: 'm/hazard', page: ReportHazardPage },
  {
    pattern: 'm/patrols/:id',
    page: PatrolPage,
    needs: 'patrol.read',
  },
];

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function NotFound() {
  return html`<section><${PageTitle} title=${t('error.pageNotFound')} /><p><a href="/">${t('action.home')}</a></p></section>`;
}

function Forbidden() {
  return html`<section><${PageTitle} title=${t('error.forbidden')} /></section>`;
}

export function App() {
  const { path } = location.value;
  const segments = path.split('/').filter(Boolean);
  const current = session.value;
  const tenant = segments[0];

  if (!tenant || !TENANT_PATTERN.test(tenant)) {
    // The site root: continue a session, or ask for the county at login.
    if (current && !tenant) return html`<${Redirect} to=${`/${current.tenant}/`} />`;
    return tenant ? html`<${NotFound} />` : html`<${LoginPage} />`;
  }
  const rest = segments.slice(1).join('/');
  // The way back from an OpenID provider, and where it ends for someone the county does not know: both are
  // reached signed out, and the callback stays put while the session it starts appears.
  if (rest === 'auth/callback') return html`<${AuthCallbackPage} tenant=${tenant} />`;
  if (rest === 'auth/not-linked') return html`<${NotLinkedPage} tenant=${tenant} />`;
  // The notice board's QR code (printed boards carry `/<county>/r/<id>`): the public board, with or without a login.
  const scanned = matchPath('r/:id', rest);
  if (scanned) return html`<${PublicBoardPage} tenant=${tenant} id=${scanned.id ?? ''} />`;
  if (!current || current.tenant !== tenant) {
    // Keep where the person was going (a shared link, a scanned notice board) for after the login.
    const next = rest && rest !== 'login' ? `?next=${encodeURIComponent(path + location.value.search)}` : '';
    if (rest !== 'login') return html`<${Redirect} to=${`/${tenant}/login${next}`} />`;
    return html`<${LoginPage} tenant=${tenant} />`;
  }
  if (rest === 'login') {
    return html`<${Redirect} to=${nextAfterLogin(tenant) ?? `/${tenant}/${homePath(current.user)}`} />`;
  }
  if (rest === '') return html`<${Redirect} to=${`/${tenant}/${homePath(current.user)}`} />`;
  for (const route of ROUTES) {
    const params = matchPath(route.pattern, rest);
    if (!params) continue;
    const allowed = !route.needs || can(route.needs, current.user);
    return html`<${Layout}>${allowed ? html`<${route.page} key=${rest} ...${params} ...${route.props ?? {}} />` : html`<${Forbidden} />`}</${Layout}>`;
  }
  return html`<${Layout}><${NotFound} /></${Layout}>`;
}
