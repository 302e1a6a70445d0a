import { escapeMrkdwn } from '../escape.js';

/**
 * Slack's documented Block Kit limits, in one table. Slack refuses a whole message or view
 * (`invalid_blocks`, `invalid_arguments`) when one field is over, so every builder fits
 * user-controlled text with the helpers below and tests check payloads with blockKitViolations.
 * Lengths are counted in UTF-16 code units (String.length): never fewer than the characters
 * Slack counts, so a payload that passes here passes there.
 */
export const LIMITS = {
  // docs.slack.dev/reference/block-kit/blocks: "up to 50 blocks in each message, and 100 blocks in
  // modals or Home tabs".
  messageBlocks: 50,
  viewBlocks: 100,
  // docs.slack.dev/reference/methods/chat.postMessage and api.slack.com/changelog/2018-04-truncating-
  // really-long-messages: `text` is truncated past 40,000 characters; Slack advises at most 4,000
  // (longer text may also be split into several messages).
  messageText: 40_000,
  messageTextAdvised: 4_000,
  // docs.slack.dev/reference/block-kit/composition-objects/text-object: 1 to 3,000 characters.
  text: 3000,
  // docs.slack.dev/reference/block-kit/blocks/section-block
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  // docs.slack.dev/reference/block-kit/blocks/header-block
  headerText: 150,
  // docs.slack.dev/reference/block-kit/blocks/context-block
  contextElements: 10,
  // docs.slack.dev/reference/block-kit/blocks/actions-block
  actionsElements: 25,
  // docs.slack.dev/reference/block-kit/blocks/input-block
  inputLabel: 2000,
  inputHint: 2000,
  // Every block page: block_id ≤ 255, unique in a message or view (and in each of its versions).
  blockId: 255,
  // Every element page: action_id ≤ 255, unique among the action_ids of its block.
  actionId: 255,
  // docs.slack.dev/reference/block-kit/block-elements/button-element
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
  accessibilityLabel: 75,
  // docs.slack.dev/reference/block-kit/block-elements/overflow-menu-element says "up to five"; its
  // earlier page and Slack's SDKs (python-slack-sdk validates it) say at least 2. We keep 2: an
  // overflow with one option is at best unverified, and a button says the same thing better.
  overflowOptionsMin: 2,
  overflowOptionsMax: 5,
  // docs.slack.dev/reference/block-kit/block-elements/select-menu-element (static select)
  selectOptions: 100,
  selectOptionGroups: 100,
  // docs.slack.dev/reference/block-kit/block-elements/radio-button-group-element, checkboxes-element
  radioOptions: 10,
  checkboxOptions: 10,
  // docs.slack.dev/reference/block-kit/composition-objects/option-object (value is 150 there; the
  // Node SDK's comment still says 75: the page is the reference).
  optionText: 75,
  optionValue: 150,
  optionDescription: 75,
  optionUrl: 3000,
  // docs.slack.dev/reference/block-kit/composition-objects/option-group-object
  optionGroupLabel: 75,
  optionGroupOptions: 100,
  // docs.slack.dev/reference/block-kit/composition-objects/confirmation-dialog-object
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  // Select menus, inputs and pickers: placeholder text ≤ 150.
  placeholder: 150,
  // docs.slack.dev/reference/block-kit/block-elements/plain-text-input-element: max_length 1–3000.
  plainTextInputMaxLength: 3000,
  // docs.slack.dev/reference/views/modal-views (and home-tab-views)
  viewTitle: 24,
  viewSubmit: 24,
  viewClose: 24,
  privateMetadata: 3000,
  callbackId: 255,
} as const;

export type Limit = keyof typeof LIMITS;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const ELLIPSIS = '…';

export interface FitOptions {
  /** Escape `& < >` for mrkdwn; the limit then applies to the escaped text. */
  escape?: boolean;
  /** Where to cut: the end (default), or the middle so both ends stay readable (emails, paths). */
  elide?: 'end' | 'middle';
}

// Whole graphemes from the start of `parts`, as many as their (escaped) lengths fit in `budget`.
function take(parts: readonly string[], budget: number): string[] {
  const out: string[] = [];
  let used = 0;
  for (const part of parts) {
    if (used + part.length > budget) break;
    out.push(part);
    used += part.length;
  }
  return out;
}

/**
 * `text` cut to at most `max` UTF-16 units, marked with "…". Cuts fall between graphemes, so an
 * emoji (flags and family sequences too) is never split. With `escape`, each grapheme is escaped
 * before it is counted: cutting after escaping could split `&amp;`, and escaping after cutting
 * could push the text back over the limit.
 */
export function fitText(text: string, max: number, options: FitOptions = {}): string {
  const encode = options.escape ? escapeMrkdwn : (s: string) => s;
  const whole = encode(text);
  if (whole.length <= max) return whole;
  if (max < ELLIPSIS.length) return '';
  const parts = Array.from(graphemes.segment(text), (s) => encode(s.segment));
  const budget = max - ELLIPSIS.length;
  if (options.elide !== 'middle') return take(parts, budget).join('') + ELLIPSIS;
  const head = take(parts, Math.ceil(budget / 2)).join('');
  const tail = take([...parts].reverse(), budget - head.length)
    .reverse()
    .join('');
  return `${head}${ELLIPSIS}${tail}`;
}

/** User text for mrkdwn: escaped, and cut to fit. */
export const fitMrkdwn = (text: string, max: number, elide: FitOptions['elide'] = 'end'): string =>
  fitText(text, max, { escape: true, elide });

/** An email address shown within `max`: the middle goes, so the start and the domain stay. */
export const fitEmail = (email: string, max: number, options: { escape?: boolean } = {}): string =>
  fitText(email, max, { ...options, elide: 'middle' });

/**
 * A sentence around one piece of user text, fitted to `max`: `sentence(slot)` builds the text and
 * the user's part gets whatever room the fixed words leave. The fixed words are the app's own and
 * must fit; if they ever do not, the sentence is cut as plain text rather than sent over the limit.
 */
export function fitSentence(
  max: number,
  sentence: (slot: string) => string,
  userText: string,
  options: FitOptions = {},
): string {
  const fixed = sentence('').length;
  if (fixed > max) return fitText(sentence(''), max);
  return sentence(fitText(userText, max - fixed, options));
}

/**
 * Whole lines joined with "\n" within `max`: lines that would not fit are left out and `omitted(n)`
 * (the app's own short words) says how many, so no line is ever cut through an escape or a date token.
 * `keep: 'last'` keeps the newest lines of a trail instead of the first.
 */
export function joinLines(
  lines: readonly string[],
  max: number,
  omitted: (n: number) => string,
  keep: 'first' | 'last' = 'first',
): string {
  const ordered = keep === 'first' ? lines : [...lines].reverse();
  const out: string[] = [];
  let used = -1;
  for (const [i, line] of ordered.entries()) {
    const left = ordered.length - i - 1;
    const room = max - (left > 0 ? omitted(left).length + 1 : 0);
    if (used + 1 + line.length > room) {
      out.push(omitted(ordered.length - i));
      break;
    }
    out.push(line);
    used += 1 + line.length;
  }
  return (keep === 'first' ? out : out.reverse()).join('\n');
}
