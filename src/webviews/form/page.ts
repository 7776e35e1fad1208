/**
 * The field-spec form page (runs in the webview) of every form webview. Renders the fields the host
 * describes, checks them with the same rules as the core as you type, and posts the values. Secret
 * inputs start empty. "Test credentials" is offered only when the form's init says `testable`.
 *
 * Accessible: labels, `aria-required`, `aria-invalid` and the error and help described by each input; one
 * live region (`role="status"`) per form for its status and test result; native controls only, so the
 * keyboard reaches all of them. What was typed (never a secret) is kept in VS Code's webview state and put
 * back when the hidden tab is shown again (`formState.ts`).
 */
import { setL10nBundle, t } from '../../core/l10n';
import { rules, type FieldName } from '../../core/validation';
import { connectPage } from '../pageApi';
import { stateToKeep, stateToRestore } from './formState';
import type { FormHostToPage, FormInit, FormPageToHost } from './protocol';

const page = connectPage<FormPageToHost>();
const post = page.post;
const root = document.getElementById('root')!;
let init: FormInit | undefined;
/** The status text while busy, cleared when the work is done. */
let busyLabel = '';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function render(message: FormInit): void {
  init = message;
  root.replaceChildren();
  const form = el('form', { id: 'session-form', novalidate: '', 'aria-labelledby': 'form-title' });
  form.append(el('h1', { id: 'form-title' }, message.title));
  const profiles = el('datalist', { id: 'profiles' });
  for (const p of message.profiles) profiles.append(el('option', { value: p }));
  form.append(profiles);

  for (const field of message.fields) {
    const row = el('div', { class: 'row' });
    const id = `field-${field.name}`;
    const storedSecret = field.kind === 'secret' && message.storedSecrets.includes(field.name);
    row.append(el('label', { for: id }, field.label));
    let input: HTMLInputElement | HTMLSelectElement;
    if (field.kind === 'session') {
      const select = el('select', { id, name: field.name });
      select.append(el('option', { value: '' }, message.sessions.length ? t('— choose a session —') : t('— no other session yet —')));
      for (const s of message.sessions) select.append(el('option', { value: s.id }, s.label));
      select.value = message.values[field.name] ?? '';
      input = select;
    } else if (field.kind === 'choice') {
      const select = el('select', { id, name: field.name });
      for (const o of field.options ?? []) select.append(el('option', { value: o.value }, o.label));
      select.value = message.values[field.name] ?? field.options?.[0]?.value ?? '';
      input = select;
    } else if (field.kind === 'region') {
      const select = el('select', { id, name: field.name });
      if (!field.required) select.append(el('option', { value: '' }, field.placeholder ?? '—'));
      for (const r of message.regions) {
        const option = el('option', { value: r.code }, `${r.code} — ${r.name}`);
        select.append(option);
      }
      select.value = message.values[field.name] ?? '';
      input = select;
    } else {
      const attrs: Record<string, string> = { id, name: field.name, type: field.kind === 'secret' ? 'password' : 'text', autocomplete: 'off', spellcheck: 'false' };
      if (field.kind === 'profile') attrs.list = 'profiles';
      if (storedSecret) attrs.placeholder = t('stored — leave empty to keep, or type a new value');
      else if (field.placeholder) attrs.placeholder = field.placeholder;
      const text = el('input', attrs);
      if (field.kind !== 'secret') text.value = message.values[field.name] ?? '';
      if (field.kind === 'secret') {
        // Secrets can be typed or pasted in, never copied or dragged out.
        text.addEventListener('copy', (e) => e.preventDefault());
        text.addEventListener('cut', (e) => e.preventDefault());
        text.addEventListener('dragstart', (e) => e.preventDefault());
      }
      input = text;
      if (storedSecret) row.append(el('span', { class: 'badge', id: `${id}-stored` }, t('stored')));
    }
    if (field.required && !storedSecret) input.setAttribute('aria-required', 'true');
    const described = [storedSecret ? `${id}-stored` : '', field.help ? `${id}-help` : '', `${id}-error`].filter(Boolean);
    input.setAttribute('aria-describedby', described.join(' '));
    row.append(input);
    if (field.help) row.append(el('div', { class: 'help', id: `${id}-help` }, field.help));
    row.append(el('div', { class: 'error', id: `${id}-error` }));
    input.addEventListener('input', () => {
      checkField(field.name);
      keep();
    });
    input.addEventListener('change', keep);
    input.addEventListener('focus', keep);
    form.append(row);
  }
  // The one live region of the form: what it is doing, what went wrong, what the test found.
  const status = el('div', { id: 'form-status', role: 'status' });
  status.append(el('div', { id: 'status-text' }), el('div', { id: 'test-result' }));
  const buttons = el('div', { class: 'buttons' });
  const save = el('button', { type: 'submit', id: 'save' }, message.submitLabel ?? (message.mode === 'create' ? t('Create session') : t('Save changes')));
  const test = el('button', { type: 'button', id: 'test', class: 'secondary' }, t('Test credentials'));
  test.addEventListener('click', () => {
    if (!checkAll()) return;
    showTestResult(undefined);
    post({ type: 'test', values: collect() });
  });
  const cancel = el('button', { type: 'button', id: 'cancel', class: 'secondary' }, t('Cancel'));
  cancel.addEventListener('click', () => post({ type: 'cancel' }));
  buttons.append(...(message.testable === false ? [save, cancel] : [save, test, cancel]));
  form.append(buttons, status);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!checkAll()) return;
    post({ type: 'submit', values: collect() });
  });
  root.append(form);
  const restored = restore(message);
  const first = inputOf(restored ?? '') ?? (form.querySelector('input, select') as HTMLElement | null);
  // The field takes the focus when the page has it, or once it gets it: never from what the user went on to.
  if (document.hasFocus()) first?.focus();
  else window.addEventListener('focus', () => document.activeElement === document.body && first?.focus(), { once: true });
}

/** Keeps what was typed (no secret) in the webview state, so hiding the tab loses nothing. */
function keep(): void {
  if (!init) return;
  const focused = document.activeElement instanceof HTMLElement ? document.activeElement.id.replace(/^field-/, '') : undefined;
  page.keep(stateToKeep(init.title, init.fields, (name) => inputOf(name)?.value ?? '', focused));
}

/** Puts back what was typed before the tab was hidden; asks for secrets again. Returns the field to focus. */
function restore(message: FormInit): string | undefined {
  const state = stateToRestore(message.title, message.fields, page.kept());
  if (!state) return undefined;
  for (const [name, value] of Object.entries(state.values)) {
    const input = inputOf(name);
    if (input) input.value = value;
  }
  const labels = state.secretsTyped.map((name) => message.fields.find((f) => f.name === name)?.label ?? name);
  if (labels.length) setStatus(t('Type the {0} again: secrets are not kept while the form is hidden.', labels.join(t(' and '))));
  page.keep(state);
  return labels.length ? state.secretsTyped[0] : state.focus;
}

function setStatus(text: string): void {
  const box = document.getElementById('status-text');
  if (box) box.textContent = text;
}

function showTestResult(result: { ok: boolean; message: string } | undefined): void {
  const box = document.getElementById('test-result');
  if (!box) return;
  box.textContent = result ? `${result.ok ? '✓' : '✗'} ${result.message}` : '';
  box.className = result ? (result.ok ? 'test-ok' : 'test-failed') : '';
}

function inputOf(name: string): HTMLInputElement | HTMLSelectElement | null {
  return document.getElementById(`field-${name}`) as HTMLInputElement | HTMLSelectElement | null;
}

function collect(): Record<string, string> {
  const values: Record<string, string> = {};
  for (const field of init?.fields ?? []) values[field.name] = inputOf(field.name)?.value ?? '';
  return values;
}

function showProblem(name: string, message: string | undefined): void {
  const box = document.getElementById(`field-${name}-error`);
  if (box) box.textContent = message ?? '';
  inputOf(name)?.setAttribute('aria-invalid', message ? 'true' : 'false');
}

function checkField(name: string): boolean {
  const field = init?.fields.find((f) => f.name === name);
  if (!field) return true;
  const value = (inputOf(name)?.value ?? '').trim();
  let problem: string | undefined;
  const stored = field.kind === 'secret' && init!.storedSecrets.includes(name);
  if (value === '' && field.required && !stored) problem = t('required');
  else if (value !== '' && field.rule) problem = rules[field.rule as FieldName](value);
  showProblem(name, problem);
  return !problem;
}

/** Checks every field; when some fail, says which in the status and moves the focus to the first. */
function checkAll(): boolean {
  const failed = (init?.fields ?? []).filter((field) => !checkField(field.name));
  if (failed.length) {
    setStatus(failed.length === 1 ? t('1 field needs attention: {0}.', failed[0].label) : t('{0} fields need attention: {1}.', failed.length, failed.map((f) => f.label).join(', ')));
    inputOf(failed[0].name)?.focus();
  }
  return failed.length === 0;
}

window.addEventListener('message', (event: MessageEvent<FormHostToPage>) => {
  const message = event.data;
  switch (message?.type) {
    case 'init':
      setL10nBundle(message.l10n);
      render(message);
      break;
    case 'problems': {
      for (const field of init?.fields ?? []) showProblem(field.name, undefined);
      for (const p of message.problems) showProblem(p.field, p.message);
      const labels = message.problems.map((p) => init?.fields.find((f) => f.name === p.field)?.label ?? p.field);
      setStatus(message.message ?? (labels.length ? t('Please fix the fields marked above: {0}.', labels.join(', ')) : ''));
      if (message.problems[0]) inputOf(message.problems[0].field)?.focus();
      break;
    }
    case 'testResult':
      showTestResult(message);
      break;
    case 'busy': {
      for (const id of ['save', 'test']) {
        const button = document.getElementById(id) as HTMLButtonElement | null;
        if (button) button.disabled = message.busy;
      }
      // Done: the busy text goes, whatever came since (a problem, a result) stays.
      const text = document.getElementById('status-text');
      if (message.busy) setStatus((busyLabel = message.label ?? t('Saving…')));
      else if (text?.textContent === busyLabel) setStatus('');
      break;
    }
  }
});

post({ type: 'ready' });
