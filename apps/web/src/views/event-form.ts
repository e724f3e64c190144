import { api, errorText } from '../api';
import type { Ctx, Screen } from '../app';
import { busy, field, fromLocalInput, h, heading, notice, say, select, toLocalInput } from '../dom';
import {
  creatableTypes,
  ENVIRONMENTS,
  GIT_ACTIONS,
  MEETING_SUBTYPES,
  TYPE_LABELS,
  type CalendarEvent,
  type EventType,
} from '../types';

const TYPE_HINTS: Record<EventType, string> = {
  meeting: 'A daily, planning, review or retro, with an optional video link.',
  deployment_window:
    'A slot to deploy services to an environment; prod windows need an administrator’s approval.',
  git_action: 'A git operation on a repository, run by the server (after approval) inside its slot.',
};

const STEP_TITLES = ['Type', 'Title and time', 'Details'] as const;

/**
 * The three-step form: (1) the type — only those the user's role may create; (2) title and times;
 * (3) the type's `extra` fields. With an id it edits that event (PATCH) instead.
 */
export async function eventFormScreen(ctx: Ctx, eventId: string | null): Promise<Screen> {
  const existing = eventId ? await api.get<CalendarEvent>(`/events/${encodeURIComponent(eventId)}`) : null;
  const allowed = creatableTypes(ctx.user.role);
  const types = existing && !allowed.includes(existing.type) ? [existing.type, ...allowed] : allowed;
  const extra = existing?.extra ?? {};
  const str = (key: string): string => (typeof extra[key] === 'string' ? (extra[key] as string) : '');
  const bool = (key: string): boolean => extra[key] === true;

  const message = h('div', { class: 'message' });
  const progress = h('ol', { class: 'steps', 'aria-label': 'Steps' });

  // Step 1: type
  const typeRadios = types.map((t, i) =>
    h('input', {
      type: 'radio',
      name: 'type',
      value: t,
      id: `type-${t}`,
      checked: existing ? existing.type === t : i === 0,
      'aria-describedby': `type-${t}-hint`,
    }),
  );
  const step1 = h(
    'fieldset',
    { 'data-step': '1' },
    h('legend', {}, 'What are you planning?'),
    types.map((t, i) =>
      h(
        'div',
        { class: 'field field-check' },
        typeRadios[i],
        h('label', { for: `type-${t}` }, TYPE_LABELS[t]),
        h('small', { id: `type-${t}-hint`, class: 'hint' }, TYPE_HINTS[t]),
      ),
    ),
  );

  // Step 2: title and times
  const now = new Date();
  const defaultStart = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 10, 0);
  const title = h('input', { name: 'title', required: true, maxlength: 200, value: existing?.title ?? '' });
  const start = h('input', {
    name: 'start',
    type: 'datetime-local',
    required: true,
    value: toLocalInput(existing?.start ?? defaultStart.toISOString()),
  });
  const end = h('input', {
    name: 'end',
    type: 'datetime-local',
    required: true,
    value: toLocalInput(existing?.end ?? new Date(defaultStart.getTime() + 3_600_000).toISOString()),
  });
  const step2 = h(
    'fieldset',
    { 'data-step': '2' },
    h('legend', {}, 'Title and time'),
    field('Title', title),
    field('Starts', start, 'Your local time.'),
    field('Ends', end),
  );

  // Step 3: the type's extra fields
  const meeting = {
    subtype: select('subtype', [['', '—'], ...MEETING_SUBTYPES.map((s) => [s, s] as const)], str('subtype')),
    link: h('input', { name: 'link', type: 'url', placeholder: 'https://…', value: str('link') }),
    notes: h('textarea', { name: 'notes', rows: 4, maxlength: 5000 }, str('notes')),
    private: h('input', { name: 'private', type: 'checkbox', checked: bool('private') }),
  };
  const deployment = {
    environment: select(
      'environment',
      ENVIRONMENTS.map((e) => [e, e] as const),
      str('environment') || 'staging',
    ),
    services: h('input', {
      name: 'services',
      value: Array.isArray(extra.services) ? (extra.services as string[]).join(', ') : '',
    }),
    needs_approval: h('input', { name: 'needs_approval', type: 'checkbox', checked: bool('needs_approval') }),
  };
  const git = {
    repo_url: h('input', {
      name: 'repo_url',
      type: 'url',
      placeholder: 'https://git.example.org/team/app.git',
      value: str('repo_url'),
    }),
    branch: h('input', { name: 'branch', value: str('branch') || 'main' }),
    action: select(
      'action',
      GIT_ACTIONS.map((a) => [a, a] as const),
      str('action') || 'fetch',
    ),
    auto_trigger: h('input', { name: 'auto_trigger', type: 'checkbox', checked: bool('auto_trigger') }),
  };
  const extraSets: Record<EventType, HTMLElement> = {
    meeting: h(
      'div',
      { 'data-extra': 'meeting' },
      field('Kind of meeting', meeting.subtype),
      field('Video link', meeting.link, 'An https:// address (optional).'),
      field('Notes', meeting.notes),
      field('Private (only you and administrators see it)', meeting.private),
    ),
    deployment_window: h(
      'div',
      { 'data-extra': 'deployment_window' },
      field('Environment', deployment.environment),
      field('Services', deployment.services, 'Comma-separated names, e.g. api, web.'),
      field(
        'Needs approval',
        deployment.needs_approval,
        'Windows on prod always need an administrator’s approval.',
      ),
    ),
    git_action: h(
      'div',
      { 'data-extra': 'git_action' },
      field('Repository URL', git.repo_url, 'An https:// repository on an allowed host.'),
      field('Branch', git.branch),
      field('Action', git.action),
      field('Run automatically when the slot starts', git.auto_trigger),
    ),
  };
  const step3 = h('fieldset', { 'data-step': '3' }, h('legend', {}, 'Details'), Object.values(extraSets));

  const steps = [step1, step2, step3];
  const back = h('button', { type: 'button' }, 'Back');
  const next = h('button', { type: 'button', class: 'primary' }, 'Next');
  const submit = h(
    'button',
    { type: 'submit', class: 'primary' },
    existing ? 'Save changes' : 'Create event',
  );
  const cancel = h(
    'a',
    { href: existing ? `#/events/${existing.id}` : '#/calendar', class: 'button' },
    'Cancel',
  );
  const form = h(
    'form',
    { novalidate: true, 'aria-label': existing ? 'Edit event' : 'New event' },
    progress,
    steps,
    h('div', { class: 'actions' }, back, next, submit, cancel),
  );

  let step = 0;
  const selectedType = (): EventType =>
    (typeRadios.find((r) => r.checked)?.value as EventType | undefined) ?? types[0]!;

  function show(n: number, focus = true): void {
    step = n;
    steps.forEach((s, i) => (s.hidden = i !== n));
    progress.replaceChildren(
      ...STEP_TITLES.map((t, i) =>
        h('li', { 'aria-current': i === n ? 'step' : null, class: i < n ? 'done' : null }, `${i + 1}. ${t}`),
      ),
    );
    const type = selectedType();
    for (const [t, set] of Object.entries(extraSets)) set.hidden = t !== type;
    back.hidden = n === 0;
    next.hidden = n === steps.length - 1;
    submit.hidden = n !== steps.length - 1;
    if (!focus) return;
    const first = [...steps[n]!.querySelectorAll<HTMLElement>('input, select, textarea')].find(
      (e) => !e.closest('[hidden]'),
    );
    first?.focus();
  }

  function checkStep(n: number): string | null {
    if (n === 0 && !types.includes(selectedType())) return 'Choose a type.';
    if (n === 1) {
      if (!title.value.trim()) return 'Enter a title.';
      const s = fromLocalInput(start.value);
      const e = fromLocalInput(end.value);
      if (!s || !e) return 'Enter a start and an end.';
      if (e <= s) return 'The end must be after the start.';
    }
    return null;
  }

  back.addEventListener('click', () => {
    say(message, null);
    show(step - 1);
  });
  next.addEventListener('click', () => {
    const problem = checkStep(step);
    if (problem) return say(message, 'error', problem);
    say(message, null);
    show(step + 1);
  });

  function extraFor(type: EventType): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (type === 'meeting') {
      if (meeting.subtype.value) out.subtype = meeting.subtype.value;
      if (meeting.link.value.trim()) out.link = meeting.link.value.trim();
      if (meeting.notes.value.trim()) out.notes = meeting.notes.value.trim();
      if (meeting.private.checked) out.private = true;
    } else if (type === 'deployment_window') {
      out.environment = deployment.environment.value;
      const services = deployment.services.value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      if (services.length) out.services = services;
      out.needs_approval = deployment.needs_approval.checked || deployment.environment.value === 'prod';
    } else {
      out.repo_url = git.repo_url.value.trim();
      out.branch = git.branch.value.trim();
      out.action = git.action.value;
      out.auto_trigger = git.auto_trigger.checked;
    }
    return out;
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (step !== steps.length - 1) {
      next.click();
      return;
    }
    for (const n of [0, 1]) {
      const problem = checkStep(n);
      if (problem) {
        show(n);
        return say(message, 'error', problem);
      }
    }
    const type = selectedType();
    const body = {
      title: title.value.trim(),
      start: fromLocalInput(start.value),
      end: fromLocalInput(end.value),
      type,
      extra: extraFor(type),
    };
    void busy(form, async () => {
      say(message, null);
      try {
        const saved = existing
          ? await api.patch<CalendarEvent>(`/events/${existing.id}`, body)
          : await api.post<CalendarEvent>('/events', body);
        ctx.flash('success', existing ? `“${saved.title}” was saved.` : `“${saved.title}” was created.`);
        if (saved.conflicts?.length)
          ctx.flash(
            'warning',
            `It overlaps ${saved.conflicts.length} other deployment window(s) on this environment.`,
          );
        ctx.navigate(
          existing ? `#/events/${saved.id}` : `#/calendar/${toLocalInput(saved.start).slice(0, 10)}`,
        );
      } catch (error) {
        say(message, 'error', errorText(error));
      }
    });
  });

  // Only deployment windows on prod are forced to need approval.
  const syncApproval = (): void => {
    const prod = deployment.environment.value === 'prod';
    if (prod) deployment.needs_approval.checked = true;
    deployment.needs_approval.disabled = prod;
  };
  deployment.environment.addEventListener('change', syncApproval);
  syncApproval();

  const el = h(
    'section',
    { class: 'narrow' },
    heading(existing ? `Edit “${existing.title}”` : 'New event'),
    types.length === 0 ? notice('info', 'Your role cannot create events.') : null,
    message,
    types.length ? form : null,
  );
  show(0, false);
  return { el };
}
