// The page as the model reads it: one line per heading, text block and interactive element,
// each interactive element with a ref (`[ref=e12]`) that `act` resolves. The ref is written
// into the element as an attribute, so it stays the same across snapshots of one document
// and a ref from an old snapshot of the same page still finds its element.
import type { Locator, Page } from 'playwright-core';
import { ToolError } from './tool.js';

/** The DOM attribute holding an element's ref. */
export const refAttribute = 'data-clawdbot-ref';

/** One snapshot: its text and how many refs it names. */
export interface PageSnapshot {
  title: string;
  url: string;
  text: string;
  refs: number;
  truncated: boolean;
}

// Runs inside the page (Chromium), hence plain DOM code without imports.
function snapshotInPage(options: { attribute: string; maxChars: number }) {
  const { attribute, maxChars } = options;
  const win = window as unknown as { __clawdbotRefSeq?: number };
  const lines: string[] = [];
  let size = 0;
  let truncated = false;
  let refs = 0;
  const textRoles: Record<string, string> = {
    email: 'textbox',
    password: 'textbox',
    search: 'searchbox',
    tel: 'textbox',
    text: 'textbox',
    url: 'textbox',
    number: 'spinbutton',
    range: 'slider',
    checkbox: 'checkbox',
    radio: 'radio',
    submit: 'button',
    button: 'button',
    reset: 'button',
    image: 'button',
    file: 'button',
    date: 'textbox',
    'datetime-local': 'textbox',
    time: 'textbox',
    month: 'textbox',
    week: 'textbox',
    color: 'button',
  };
  const interactive = new Set([
    'link',
    'button',
    'textbox',
    'searchbox',
    'spinbutton',
    'slider',
    'checkbox',
    'radio',
    'combobox',
    'listbox',
    'option',
    'menuitem',
    'menuitemcheckbox',
    'menuitemradio',
    'tab',
    'switch',
    'treeitem',
  ]);
  const clean = (text: string | null | undefined, max = 160) => {
    const value = (text ?? '').replace(/\s+/g, ' ').trim();
    return value.length > max ? `${value.slice(0, max - 1)}…` : value;
  };
  const roleOf = (element: Element): string | undefined => {
    const explicit = element.getAttribute('role')?.split(' ')[0];
    if (explicit) return explicit;
    const tag = element.tagName.toLowerCase();
    if (tag === 'a' && element.hasAttribute('href')) return 'link';
    if (tag === 'button' || tag === 'summary') return 'button';
    if (tag === 'select') return (element as HTMLSelectElement).multiple ? 'listbox' : 'combobox';
    if (tag === 'textarea') return 'textbox';
    if (tag === 'input') {
      const type = (element as HTMLInputElement).type;
      if (type === 'hidden') return undefined;
      return textRoles[type] ?? 'textbox';
    }
    if (/^h[1-6]$/.test(tag)) return 'heading';
    if (tag === 'img') return 'img';
    if ((element as HTMLElement).isContentEditable) return 'textbox';
    return undefined;
  };
  const labelled = (element: Element) => {
    const ids = element.getAttribute('aria-labelledby');
    if (ids) {
      return ids
        .split(/\s+/)
        .map((id) => document.getElementById(id)?.textContent ?? '')
        .join(' ');
    }
    const control = element as HTMLInputElement;
    const labels = control.labels
      ? Array.from(control.labels).map((label) => label.textContent)
      : [];
    return labels.join(' ');
  };
  const nameOf = (element: Element, role: string) =>
    clean(
      element.getAttribute('aria-label') ||
        labelled(element) ||
        (role === 'img' ? element.getAttribute('alt') : '') ||
        (['textbox', 'searchbox', 'spinbutton', 'combobox', 'listbox'].includes(role)
          ? element.getAttribute('placeholder') || element.getAttribute('name')
          : (element as HTMLElement).innerText) ||
        (element as HTMLInputElement).value ||
        element.getAttribute('title') ||
        element.getAttribute('alt'),
    );
  const push = (line: string) => {
    if (truncated) return;
    if (size + line.length + 1 > maxChars) {
      truncated = true;
      return;
    }
    lines.push(line);
    size += line.length + 1;
  };
  const stateOf = (element: Element, role: string) => {
    const parts: string[] = [];
    const control = element as HTMLInputElement;
    if (role === 'checkbox' || role === 'radio' || role === 'switch') {
      const checked = control.checked || element.getAttribute('aria-checked') === 'true';
      parts.push(checked ? 'checked' : 'unchecked');
    }
    if (
      ['textbox', 'searchbox', 'spinbutton'].includes(role) &&
      control.value &&
      control.type !== 'password'
    ) {
      parts.push(`value="${clean(control.value, 80)}"`);
    }
    if (role === 'combobox' || role === 'listbox') {
      const select = element as HTMLSelectElement;
      if (select.options) {
        const options = Array.from(select.options).map(
          (option) => `${option.selected ? '*' : ''}${clean(option.label, 40)}`,
        );
        parts.push(`options: ${options.slice(0, 30).join(' | ')}`);
      }
    }
    if (role === 'link') {
      const href = element.getAttribute('href') ?? '';
      if (href && !href.startsWith('javascript:')) parts.push(`-> ${clean(href, 100)}`);
    }
    if (
      (element as HTMLButtonElement).disabled ||
      element.getAttribute('aria-disabled') === 'true'
    ) {
      parts.push('disabled');
    }
    return parts.length > 0 ? ` ${parts.join(' ')}` : '';
  };
  const refOf = (element: Element) => {
    let ref = element.getAttribute(attribute);
    if (!ref) {
      win.__clawdbotRefSeq = (win.__clawdbotRefSeq ?? 0) + 1;
      ref = `e${win.__clawdbotRefSeq}`;
      element.setAttribute(attribute, ref);
    }
    refs++;
    return ref;
  };
  const visible = (element: Element) =>
    element.getAttribute('aria-hidden') !== 'true' &&
    element.checkVisibility({ checkOpacity: false, checkVisibilityCSS: true });
  const skip = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'svg', 'HEAD']);
  const walk = (element: Element, depth: number) => {
    if (truncated || skip.has(element.tagName) || !visible(element)) return;
    const role = roleOf(element);
    const indent = '  '.repeat(Math.min(depth, 6));
    if (role && interactive.has(role)) {
      push(
        `${indent}- ${role} "${nameOf(element, role)}" [ref=${refOf(element)}]${stateOf(element, role)}`,
      );
      return; // the element's name already says what is inside it
    }
    if (role === 'heading') {
      push(
        `${indent}- heading "${clean((element as HTMLElement).innerText)}" [level=${element.tagName[1]}]`,
      );
      return;
    }
    if (element.tagName === 'LABEL') {
      // A label's text is already its control's name: only the control itself is listed.
      const control = (element as HTMLLabelElement).control;
      if (control) {
        if (element.contains(control)) walk(control, depth);
        return;
      }
    }
    if (role === 'img') {
      const alt = clean(element.getAttribute('alt'));
      if (alt) push(`${indent}- img "${alt}"`);
      return;
    }
    let text = '';
    const flush = () => {
      const value = clean(text, 400);
      if (value) push(`${indent}- text: ${value}`);
      text = '';
    };
    const nested = ['UL', 'OL', 'FORM', 'NAV', 'TABLE', 'DIALOG'].includes(element.tagName);
    for (const child of Array.from(element.childNodes)) {
      if (child.nodeType === Node.TEXT_NODE) text += child.textContent ?? '';
      else if (child.nodeType === Node.ELEMENT_NODE) {
        const inline = ['B', 'I', 'EM', 'STRONG', 'SPAN', 'CODE', 'SMALL', 'ABBR', 'TIME', 'MARK'];
        const childElement = child as Element;
        if (inline.includes(childElement.tagName) && !roleOf(childElement)) {
          text += (childElement as HTMLElement).innerText ?? '';
          continue;
        }
        flush();
        walk(childElement, nested ? depth + 1 : depth);
      }
    }
    flush();
  };
  if (document.body) walk(document.body, 0);
  return { title: document.title, url: location.href, text: lines.join('\n'), refs, truncated };
}

/** Take a snapshot of the page's main frame. */
export async function snapshotPage(page: Page, maxChars: number): Promise<PageSnapshot> {
  // As source text: a bundler's helpers (esbuild's __name) are not defined in the page.
  const argument = JSON.stringify({ attribute: refAttribute, maxChars });
  const source = `((__name) => (${snapshotInPage.toString()})(${argument}))((value) => value)`;
  return page.evaluate<PageSnapshot>(source);
}

/** The element a ref names, or a ToolError telling the model to take a new snapshot. */
export async function locateRef(page: Page, ref: string): Promise<Locator> {
  if (!/^e\d+$/.test(ref)) {
    throw new ToolError(
      'REF_NOT_FOUND',
      `"${ref}" is not a ref; refs look like e12 (from snapshot).`,
    );
  }
  const locator = page.locator(`[${refAttribute}="${ref}"]`);
  if ((await locator.count()) === 0) {
    throw new ToolError(
      'REF_NOT_FOUND',
      `No element has ref ${ref} on this page any more (it changed or was reloaded); take a new snapshot.`,
      { ref },
    );
  }
  return locator.first();
}
