/**
 * The field-spec form page (runs in the webview) of every form webview. Renders the fields the host
 * describes, checks them with the same rules as the core as you type, and posts the values. Secret
 * inputs start empty. "Test credentials" is offered only when the form's init says `testable`.
 */
import { rules, type FieldName } from '../../core/validation';
import { connect } from '../pageApi';
import type { FormHostToPage, FormInit, FormPageToHost } from './protocol';

const post = connect<FormPageToHost>();
const root = document.getElementById('root')!;
let init: FormInit | undefined;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function render(message: FormInit): void {
  init = message;
  root.replaceChildren();
  const form = el('form', { id: 'session-form', novalidate: '' });
  form.append(el('h1', {}, message.title));
  const profiles = el('datalist', { id: 'profiles' });
  for (const p of message.profiles) profiles.append(el('option', { value: p }));
  form.append(profiles);

  for (const field of message.fields) {
    const row = el('div', { class: 'row' });
    const id = `field-${field.name}`;
    row.append(el('label', { for: id }, field.label));
    let input: HTMLInputElement | HTMLSelectElement;
    if (field.kind === 'session') {
      const select = el('select', { id, name: field.name });
      select.append(el('option', { value: '' }, message.sessions.length ? '— choose a session —' : '— no other session yet —'));
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
      for (const r of message.regions) {
        const option = el('option', { value: r.code }, `${r.code} — ${r.name}`);
        select.append(option);
      }
      select.value = message.values[field.name] ?? '';
      input = select;
    } else {
      const attrs: Record<string, string> = { id, name: field.name, type: field.kind === 'secret' ? 'password' : 'text', autocomplete: 'off', spellcheck: 'false' };
      if (field.kind === 'profile') attrs.list = 'profiles';
      const stored = field.kind === 'secret' && message.storedSecrets.includes(field.name);
      if (stored) attrs.placeholder = 'stored — leave empty to keep, or type a new value';
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
      if (stored) row.append(el('span', { class: 'badge', id: `${id}-stored` }, 'stored'));
    }
    input.setAttribute('aria-describedby', `${id}-error`);
    row.append(input);
    if (field.help) row.append(el('div', { class: 'help' }, field.help));
    row.append(el('div', { class: 'error', id: `${id}-error`, role: 'alert' }));
    input.addEventListener('input', () => checkField(field.name));
    form.append(row);
  }
  const status = el('div', { id: 'form-status', role: 'status' });
  const buttons = el('div', { class: 'buttons' });
  const save = el('button', { type: 'submit', id: 'save' }, message.submitLabel ?? (message.mode === 'create' ? 'Create session' : 'Save changes'));
  const test = el('button', { type: 'button', id: 'test', class: 'secondary' }, 'Test credentials');
  test.addEventListener('click', () => {
    if (!checkAll()) return;
    showTestResult(undefined);
    post({ type: 'test', values: collect() });
  });
  const cancel = el('button', { type: 'button', id: 'cancel', class: 'secondary' }, 'Cancel');
  cancel.addEventListener('click', () => post({ type: 'cancel' }));
  buttons.append(...(message.testable === false ? [save, cancel] : [save, test, cancel]));
  const testResult = el('div', { id: 'test-result', role: 'status', 'aria-live': 'polite' });
  form.append(buttons, status, testResult);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!checkAll()) return;
    post({ type: 'submit', values: collect() });
  });
  root.append(form);
  (form.querySelector('input, select') as HTMLElement | null)?.focus();
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
  if (value === '' && field.required && !stored) problem = 'required';
  else if (value !== '' && field.rule) problem = rules[field.rule as FieldName](value);
  showProblem(name, problem);
  return !problem;
}

function checkAll(): boolean {
  let ok = true;
  for (const field of init?.fields ?? []) ok = checkField(field.name) && ok;
  return ok;
}

window.addEventListener('message', (event: MessageEvent<FormHostToPage>) => {
  const message = event.data;
  switch (message?.type) {
    case 'init':
      render(message);
      break;
    case 'problems':
      for (const field of init?.fields ?? []) showProblem(field.name, undefined);
      for (const p of message.problems) showProblem(p.field, p.message);
      document.getElementById('form-status')!.textContent = message.message ?? (message.problems.length ? 'Please fix the fields marked above.' : '');
      break;
    case 'testResult':
      showTestResult(message);
      break;
    case 'busy': {
      for (const id of ['save', 'test']) {
        const button = document.getElementById(id) as HTMLButtonElement | null;
        if (button) button.disabled = message.busy;
      }
      document.getElementById('form-status')!.textContent = message.busy ? (message.label ?? 'Saving…') : '';
      break;
    }
  }
});

post({ type: 'ready' });
