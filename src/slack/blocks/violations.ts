import { LIMITS } from './limits.js';

type Obj = Record<string, unknown>;
export type Surface = 'message' | 'modal' | 'home';

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const TEXT_TYPES = new Set(['plain_text', 'mrkdwn']);

/** Collects every broken limit, with where it is, in words a failing test can show. */
class Check {
  readonly bad: string[] = [];

  length(path: string, value: unknown, max: number, what: string): void {
    if (typeof value === 'string' && value.length > max) {
      this.bad.push(`${path}: ${what} is ${value.length} characters, over Slack's ${max}`);
    }
  }

  count(path: string, list: unknown, min: number, max: number, what: string): void {
    if (list === undefined) return;
    if (!Array.isArray(list)) this.bad.push(`${path}: ${what} is not a list`);
    else if (list.length < min || list.length > max) {
      this.bad.push(`${path}: ${list.length} ${what}, Slack allows ${min === max ? max : `${min} to ${max}`}`);
    }
  }

  /** A text object: present text of 1 to min(max, 3000) characters. */
  text(path: string, v: unknown, max: number, what: string): void {
    if (v === undefined) return;
    if (!isObj(v) || typeof v.text !== 'string') {
      this.bad.push(`${path}: ${what} is not a text object`);
      return;
    }
    if (v.text === '') this.bad.push(`${path}: ${what} is empty`);
    this.length(`${path}.text`, v.text, Math.min(max, LIMITS.text), what);
  }

  option(path: string, o: unknown): void {
    if (!isObj(o)) {
      this.bad.push(`${path}: option is not an object`);
      return;
    }
    this.text(`${path}.text`, o.text, LIMITS.optionText, 'option text');
    this.length(`${path}.value`, o.value, LIMITS.optionValue, 'option value');
    this.text(`${path}.description`, o.description, LIMITS.optionDescription, 'option description');
    this.length(`${path}.url`, o.url, LIMITS.optionUrl, 'option url');
  }

  options(path: string, list: unknown, min: number, max: number): void {
    this.count(path, list, min, max, 'options');
    if (Array.isArray(list)) for (const [i, o] of list.entries()) this.option(`${path}[${i}]`, o);
  }

  confirm(path: string, c: unknown): void {
    if (c === undefined) return;
    if (!isObj(c)) {
      this.bad.push(`${path}: confirm is not an object`);
      return;
    }
    this.text(`${path}.title`, c.title, LIMITS.confirmTitle, 'confirm title');
    this.text(`${path}.text`, c.text, LIMITS.confirmText, 'confirm text');
    this.text(`${path}.confirm`, c.confirm, LIMITS.confirmButton, 'confirm button');
    this.text(`${path}.deny`, c.deny, LIMITS.confirmButton, 'deny button');
  }

  element(path: string, el: unknown, actionIds: Set<string>): void {
    if (!isObj(el)) {
      this.bad.push(`${path}: element is not an object`);
      return;
    }
    if (TEXT_TYPES.has(String(el.type))) {
      this.text(path, el, LIMITS.text, `${el.type} text`);
      return;
    }
    if (typeof el.action_id === 'string') {
      this.length(`${path}.action_id`, el.action_id, LIMITS.actionId, 'action_id');
      if (actionIds.has(el.action_id)) this.bad.push(`${path}: action_id "${el.action_id}" repeats in its block`);
      actionIds.add(el.action_id);
    }
    this.text(`${path}.placeholder`, el.placeholder, LIMITS.placeholder, 'placeholder');
    this.confirm(`${path}.confirm`, el.confirm);
    if (el.initial_option !== undefined) this.option(`${path}.initial_option`, el.initial_option);
    if (Array.isArray(el.initial_options))
      for (const [i, o] of el.initial_options.entries()) this.option(`${path}.initial_options[${i}]`, o);
    switch (el.type) {
      case 'button':
        this.text(`${path}.text`, el.text, LIMITS.buttonText, 'button text');
        this.length(`${path}.value`, el.value, LIMITS.buttonValue, 'button value');
        this.length(`${path}.url`, el.url, LIMITS.buttonUrl, 'button url');
        this.length(
          `${path}.accessibility_label`,
          el.accessibility_label,
          LIMITS.accessibilityLabel,
          'accessibility_label',
        );
        break;
      case 'overflow':
        this.options(`${path}.options`, el.options, LIMITS.overflowOptionsMin, LIMITS.overflowOptionsMax);
        break;
      case 'static_select':
      case 'multi_static_select':
        this.options(`${path}.options`, el.options, 1, LIMITS.selectOptions);
        this.count(`${path}.option_groups`, el.option_groups, 1, LIMITS.selectOptionGroups, 'option groups');
        if (Array.isArray(el.option_groups))
          for (const [i, g] of el.option_groups.entries()) this.group(`${path}.option_groups[${i}]`, g);
        break;
      case 'radio_buttons':
        this.options(`${path}.options`, el.options, 1, LIMITS.radioOptions);
        break;
      case 'checkboxes':
        this.options(`${path}.options`, el.options, 1, LIMITS.checkboxOptions);
        break;
      case 'plain_text_input':
        for (const key of ['max_length', 'min_length'] as const) {
          const n = el[key];
          const min = key === 'max_length' ? 1 : 0;
          if (n !== undefined && (typeof n !== 'number' || n < min || n > LIMITS.plainTextInputMaxLength)) {
            this.bad.push(`${path}.${key}: ${String(n)}, Slack allows ${min} to ${LIMITS.plainTextInputMaxLength}`);
          }
        }
        break;
    }
  }

  group(path: string, g: unknown): void {
    if (!isObj(g)) {
      this.bad.push(`${path}: option group is not an object`);
      return;
    }
    this.text(`${path}.label`, g.label, LIMITS.optionGroupLabel, 'option group label');
    this.options(`${path}.options`, g.options, 1, LIMITS.optionGroupOptions);
  }

  block(path: string, b: unknown, blockIds: Set<string>): void {
    if (!isObj(b)) {
      this.bad.push(`${path}: block is not an object`);
      return;
    }
    if (typeof b.block_id === 'string') {
      this.length(`${path}.block_id`, b.block_id, LIMITS.blockId, 'block_id');
      if (blockIds.has(b.block_id)) this.bad.push(`${path}: block_id "${b.block_id}" repeats`);
      blockIds.add(b.block_id);
    }
    const actionIds = new Set<string>();
    const each = (key: string, list: unknown) => {
      if (Array.isArray(list))
        for (const [i, el] of list.entries()) this.element(`${path}.${key}[${i}]`, el, actionIds);
    };
    switch (b.type) {
      case 'section':
        if (b.text === undefined && b.fields === undefined)
          this.bad.push(`${path}: section has neither text nor fields`);
        this.text(`${path}.text`, b.text, LIMITS.sectionText, 'section text');
        this.count(`${path}.fields`, b.fields, 1, LIMITS.sectionFields, 'fields');
        if (Array.isArray(b.fields))
          for (const [i, f] of b.fields.entries())
            this.text(`${path}.fields[${i}]`, f, LIMITS.sectionFieldText, 'field');
        if (b.accessory !== undefined) this.element(`${path}.accessory`, b.accessory, actionIds);
        break;
      case 'header':
        this.text(`${path}.text`, b.text, LIMITS.headerText, 'header text');
        break;
      case 'context':
        this.count(`${path}.elements`, b.elements, 1, LIMITS.contextElements, 'elements');
        each('elements', b.elements);
        break;
      case 'actions':
        this.count(`${path}.elements`, b.elements, 1, LIMITS.actionsElements, 'elements');
        each('elements', b.elements);
        break;
      case 'input':
        this.text(`${path}.label`, b.label, LIMITS.inputLabel, 'input label');
        this.text(`${path}.hint`, b.hint, LIMITS.inputHint, 'input hint');
        if (b.element !== undefined) this.element(`${path}.element`, b.element, actionIds);
        break;
    }
  }

  view(v: Obj, surface: Surface): void {
    if (v.type !== undefined && v.type !== surface) this.bad.push(`view: type "${String(v.type)}" on a ${surface}`);
    if (surface === 'modal') {
      if (v.title === undefined) this.bad.push('view.title: a modal needs a title');
      this.text('view.title', v.title, LIMITS.viewTitle, 'view title');
      this.text('view.submit', v.submit, LIMITS.viewSubmit, 'submit button');
      this.text('view.close', v.close, LIMITS.viewClose, 'close button');
      const inputs = Array.isArray(v.blocks) && v.blocks.some((b) => isObj(b) && b.type === 'input');
      if (inputs && v.submit === undefined)
        this.bad.push('view.submit: a modal with input blocks needs a submit button');
    }
    this.length('view.private_metadata', v.private_metadata, LIMITS.privateMetadata, 'private_metadata');
    this.length('view.callback_id', v.callback_id, LIMITS.callbackId, 'callback_id');
  }
}

/**
 * Every documented limit that `payload` breaks: a message (`{ text, blocks }`), a view (modal or
 * Home tab, with its title, submit, close, private_metadata and callback_id) or a bare block list.
 * Walks nested elements, accessories, confirm dialogs, options and option groups. Empty = fine.
 */
export function blockKitViolations(payload: unknown, surface: Surface): string[] {
  const check = new Check();
  let blocks: unknown = payload;
  if (isObj(payload)) {
    blocks = payload.blocks;
    if (surface === 'message') {
      check.length('text', payload.text, LIMITS.messageText, 'message text');
      if (typeof payload.text === 'string' && payload.text.length <= LIMITS.messageText) {
        check.length('text', payload.text, LIMITS.messageTextAdvised, 'message text (Slack advises at most 4,000)');
      }
    } else check.view(payload, surface);
  } else if (!Array.isArray(payload)) {
    return ['payload: neither a message, a view nor a list of blocks'];
  }
  if (blocks === undefined) return check.bad;
  if (!Array.isArray(blocks)) return [...check.bad, 'blocks: not a list'];
  const max = surface === 'message' ? LIMITS.messageBlocks : LIMITS.viewBlocks;
  check.count('blocks', blocks, 0, max, 'blocks');
  const blockIds = new Set<string>();
  for (const [i, b] of blocks.entries()) check.block(`blocks[${i}]`, b, blockIds);
  return check.bad;
}
