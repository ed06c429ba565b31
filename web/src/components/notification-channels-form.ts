import { useState } from 'preact/hooks';
import { ApiError, api, listAll } from '../api/client.ts';
import type { ChannelsAnswer, Delivery, FieldProblem, NotificationTopic, Robot, Role } from '../api/types.ts';
import { useAsync } from '../hooks.ts';
import { html } from '../html.ts';
import { formatDateTime, type MessageKey, t } from '../i18n/index.ts';
import { noticesZhCN } from '../i18n/notices.zh-CN.ts';
import { ASSIGNABLE_ROLES } from '../roles.ts';
import { ErrorNotice, Field, Loading, OtherErrors } from './common.ts';

/** The notice topics, as the notices catalogue names them (core's list; the web imports none of core's values). */
const TOPICS = Object.keys(noticesZhCN)
  .filter((key) => key.startsWith('notices.topic.'))
  .map((key) => key.slice('notices.topic.'.length) as NotificationTopic);
const topicName = (topic: NotificationTopic) => t(`notices.topic.${topic}` as MessageKey);
const ROBOT_KINDS = ['wecom', 'dingtalk'] as const;

/** The API names fields `channels.sms…`; the form's names leave out the `channels.` prefix. */
function fieldErrors(error: unknown): FieldProblem[] {
  if (!(error instanceof ApiError)) return [];
  return (error.problem?.errors ?? []).map((problem) => ({
    ...problem,
    path: problem.path.replace(/^(body\.)?channels\./, ''),
  }));
}

/**
 * The county's outbound channels (county admin only): SMS per notice type (the approved template and the roles
 * that receive it), 企业微信 / 钉钉 group robots, quiet hours and the daily SMS cap; saved as a whole with the
 * version it was read at. Below it, the delivery log.
 */
export function NotificationChannelsForm() {
  const loaded = useAsync(() => api<ChannelsAnswer>('/notification-channels'), []);
  const [draft, setDraft] = useState<ChannelsAnswer | undefined>();
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  if (loaded.error) return html`<${ErrorNotice} error=${loaded.error} onRetry=${loaded.reload} />`;
  if (!loaded.data) return html`<${Loading} />`;
  const current = draft ?? loaded.data;
  const channels = current.channels;
  const errors = fieldErrors(error);
  const update = (next: ChannelsAnswer['channels']) => {
    setSaved(false);
    setDraft({ ...current, channels: next });
  };
  const sms = channels.sms;
  const setTemplate = (topic: NotificationTopic, code: string) => {
    const templates = { ...sms.templates };
    if (code.trim()) templates[topic] = code.trim();
    else delete templates[topic];
    update({ ...channels, sms: { ...sms, templates } });
  };
  const toggleRole = (topic: NotificationTopic, role: Role, on: boolean) => {
    const roles = { ...sms.roles };
    const list = (roles[topic] ?? []).filter((r) => r !== role);
    if (on) list.push(role as never);
    if (list.length) roles[topic] = list;
    else delete roles[topic];
    update({ ...channels, sms: { ...sms, roles } });
  };
  const setRobot = (index: number, robot: Robot) =>
    update({ ...channels, robots: channels.robots.map((r, i) => (i === index ? robot : r)) });
  const value = (e: Event) => (e.target as HTMLInputElement).value;
  const checked = (e: Event) => (e.target as HTMLInputElement).checked;

  const save = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setSaved(false);
    try {
      const answer = await api<ChannelsAnswer>('/notification-channels', {
        method: 'PUT',
        body: { channels, version: current.version },
      });
      setDraft(answer);
      setSaved(true);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return html`<form class="panel form" novalidate onSubmit=${save} data-testid="notification-channels">
    <h2>${t('channels.title')}</h2>
    <p class="muted small">${t('channels.help')}</p>
    ${error ? html`<${ErrorNotice} error=${error} />` : null}
    <${OtherErrors} errors=${errors} fields=${['sms', 'robots', 'quietHours', 'dailyCapPerPerson']} />
    <fieldset>
      <legend>${t('channels.sms')}</legend>
      <div class="field">
        <label><input type="checkbox" name="sms.enabled" checked=${sms.enabled}
          onChange=${(e: Event) => update({ ...channels, sms: { ...sms, enabled: checked(e) } })} />
          ${t('channels.smsEnabled')}</label>
      </div>
      <${Field} label=${t('channels.signName')} name="sms.signName" errors=${errors}>
        <input id="f-sms.signName" name="sms.signName" value=${sms.signName ?? ''} maxlength="20"
          onInput=${(e: Event) => {
            const { signName: _old, ...rest } = sms;
            update({ ...channels, sms: value(e).trim() ? { ...rest, signName: value(e) } : rest });
          }} />
      </${Field}>
      <table class="table responsive" data-testid="sms-topics">
        <thead><tr><th>${t('channels.topic')}</th><th>${t('channels.template')}</th><th>${t('channels.roles')}</th></tr></thead>
        <tbody>
          ${TOPICS.map(
            (topic) => html`<tr data-topic=${topic}>
              <td data-label=${t('channels.topic')}>${topicName(topic)}</td>
              <td data-label=${t('channels.template')}>
                <input name=${`sms.templates.${topic}`} aria-label=${`${topicName(topic)} ${t('channels.template')}`}
                  placeholder="SMS_154950909" value=${sms.templates[topic] ?? ''}
                  onInput=${(e: Event) => setTemplate(topic, value(e))} />
              </td>
              <td data-label=${t('channels.roles')}>
                ${ASSIGNABLE_ROLES.map(
                  (
                    role,
                  ) => html`<label class="checkbox inline"><input type="checkbox" name=${`sms.roles.${topic}.${role}`}
                    checked=${(sms.roles[topic] ?? []).includes(role as never)}
                    onChange=${(e: Event) => toggleRole(topic, role, checked(e))} />
                    ${t(`role.${role}` as MessageKey)}</label>`,
                )}
              </td>
            </tr>`,
          )}
        </tbody>
      </table>
      <${Field} label=${t('channels.dailyCap')} name="dailyCapPerPerson" errors=${errors}>
        <input id="f-dailyCapPerPerson" name="dailyCapPerPerson" type="number" min="1" max="200"
          value=${String(channels.dailyCapPerPerson)}
          onInput=${(e: Event) => update({ ...channels, dailyCapPerPerson: (e.target as HTMLInputElement).valueAsNumber })} />
      </${Field}>
    </fieldset>
    <fieldset>
      <legend>${t('channels.quietHours')}</legend>
      <div class="field">
        <label><input type="checkbox" name="quietHours.on" checked=${channels.quietHours !== undefined}
          onChange=${(e: Event) => {
            const { quietHours: _old, ...rest } = channels;
            update(checked(e) ? { ...rest, quietHours: { start: '22:00', end: '07:00' } } : rest);
          }} />
          ${t('channels.quietOn')}</label>
      </div>
      ${
        channels.quietHours
          ? html`<div class="panel-grid">
            ${(['start', 'end'] as const).map(
              (
                end,
              ) => html`<${Field} label=${t(end === 'start' ? 'channels.quietStart' : 'channels.quietEnd')} name=${`quietHours.${end}`} errors=${errors}>
                <input id=${`f-quietHours.${end}`} name=${`quietHours.${end}`} type="time" value=${channels.quietHours?.[end]}
                  onInput=${(e: Event) => update({ ...channels, quietHours: { ...channels.quietHours!, [end]: value(e) } })} />
              </${Field}>`,
            )}
          </div>`
          : null
      }
    </fieldset>
    <fieldset data-testid="robots">
      <legend>${t('channels.robots')}</legend>
      ${channels.robots.map(
        (robot, index) => html`<div class="panel" data-robot=${index}>
          <${Field} label=${t('channels.robotName')} name=${`robots.${index}.name`} errors=${errors}>
            <input id=${`f-robots.${index}.name`} value=${robot.name} onInput=${(e: Event) => setRobot(index, { ...robot, name: value(e) })} />
          </${Field}>
          <${Field} label=${t('channels.robotKind')} name=${`robots.${index}.kind`} errors=${errors}>
            <select id=${`f-robots.${index}.kind`} value=${robot.kind}
              onChange=${(e: Event) => setRobot(index, { ...robot, kind: value(e) as Robot['kind'] })}>
              ${ROBOT_KINDS.map((kind) => html`<option value=${kind}>${t(`channels.robotKind.${kind}`)}</option>`)}
            </select>
          </${Field}>
          <${Field} label=${t('channels.robotUrl')} name=${`robots.${index}.webhookUrl`} errors=${errors}>
            <input id=${`f-robots.${index}.webhookUrl`} value=${robot.webhookUrl} type="url"
              onInput=${(e: Event) => setRobot(index, { ...robot, webhookUrl: value(e).trim() })} />
          </${Field}>
          ${
            robot.kind === 'dingtalk'
              ? html`<${Field} label=${t('channels.robotSecret')} name=${`robots.${index}.secret`} errors=${errors}>
                <input id=${`f-robots.${index}.secret`} value=${robot.secret ?? ''} autocomplete="off"
                  onInput=${(e: Event) => {
                    const { secret: _old, ...rest } = robot;
                    setRobot(index, value(e).trim() ? { ...rest, secret: value(e).trim() } : rest);
                  }} />
              </${Field}>`
              : null
          }
          <fieldset>
            <legend>${t('channels.robotTopics')}</legend>
            ${TOPICS.map(
              (
                topic,
              ) => html`<label class="checkbox inline"><input type="checkbox" checked=${robot.topics.includes(topic)}
                onChange=${(e: Event) =>
                  setRobot(index, {
                    ...robot,
                    topics: checked(e) ? [...robot.topics, topic] : robot.topics.filter((x) => x !== topic),
                  })} />
                ${topicName(topic)}</label>`,
            )}
          </fieldset>
          <button type="button" class="button"
            onClick=${() => update({ ...channels, robots: channels.robots.filter((_, i) => i !== index) })}>
            ${t('channels.removeRobot', { name: robot.name || String(index + 1) })}</button>
        </div>`,
      )}
      <button type="button" class="button" data-testid="add-robot"
        onClick=${() => update({ ...channels, robots: [...channels.robots, { name: '', kind: 'dingtalk', webhookUrl: '', topics: [] }] })}>
        ${t('channels.addRobot')}</button>
    </fieldset>
    <div class="form-actions">
      <button type="submit" class="button button-primary" disabled=${busy} data-testid="channels-save">${t('action.save')}</button>
      ${saved ? html`<span class="muted" role="status" data-testid="channels-saved">${t('channels.saved', { version: current.version })}</span>` : null}
    </div>
  </form>
  <${DeliveryLog} />`;
}

/** The delivery log, newest first: locally this is the local sink, where every SMS and robot message lands. */
function DeliveryLog() {
  const log = useAsync(() => listAll<Delivery>('/notification-channels/deliveries', {}, 200), []);
  return html`<section class="panel" data-testid="delivery-log">
    <h2>${t('channels.log')}</h2>
    <p class="muted small">${t('channels.logHelp')}</p>
    <button type="button" class="button" data-testid="delivery-log-refresh" onClick=${log.reload}>${t('channels.refresh')}</button>
    ${log.error ? html`<${ErrorNotice} error=${log.error} onRetry=${log.reload} />` : null}
    ${!log.data && !log.error ? html`<${Loading} />` : null}
    ${log.data?.length === 0 ? html`<p class="muted">${t('channels.logEmpty')}</p>` : null}
    ${
      log.data?.length
        ? html`<table class="table responsive">
          <thead><tr>
            <th>${t('channels.logTime')}</th><th>${t('channels.topic')}</th><th>${t('channels.logChannel')}</th>
            <th>${t('channels.logTarget')}</th><th>${t('channels.logStatus')}</th><th>${t('channels.logTransport')}</th>
            <th>${t('channels.logAttempts')}</th><th>${t('channels.logContent')}</th>
          </tr></thead>
          <tbody>
            ${log.data.map(
              (
                d,
              ) => html`<tr data-delivery=${d.id} data-channel=${d.channel} data-status=${d.status} data-transport=${d.transport}>
                <td data-label=${t('channels.logTime')}>${formatDateTime(d.updatedAt)}</td>
                <td data-label=${t('channels.topic')}>${topicName(d.topic)}</td>
                <td data-label=${t('channels.logChannel')}>${t(`channels.channel.${d.channel}`)}</td>
                <td data-label=${t('channels.logTarget')}>${d.target}</td>
                <td data-label=${t('channels.logStatus')}>${t(`channels.status.${d.status}`)}${d.error ? html` <span class="muted small">${d.error}</span>` : null}</td>
                <td data-label=${t('channels.logTransport')}>${t(`channels.transport.${d.transport}`)}</td>
                <td data-label=${t('channels.logAttempts')}>${d.attempts}</td>
                <td data-label=${t('channels.logContent')}><code class="small">${contentOf(d)}</code></td>
              </tr>`,
            )}
          </tbody>
        </table>`
        : null
    }
  </section>`;
}

/** What the message said: the SMS template's variables, or the robot's markdown. */
function contentOf(delivery: Delivery): string {
  const request = delivery.request as {
    TemplateParam?: string;
    markdown?: { content?: string; text?: string };
  };
  return request.TemplateParam ?? request.markdown?.content ?? request.markdown?.text ?? '';
}
