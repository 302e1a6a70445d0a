import { describe, it } from 'vitest';
import { breaks, modal, plain, x } from '../../support/block-kit.js';

describe('blockKitViolations on views', () => {
  it.each([
    [
      'input label 2,001',
      modal({
        submit: plain('Go'),
        blocks: [{ type: 'input', label: plain(x(2001)), element: { type: 'plain_text_input', action_id: 'i' } }],
      }),
      'modal',
      /input label is 2001/,
    ],
    [
      'input hint 2,001',
      modal({
        submit: plain('Go'),
        blocks: [
          {
            type: 'input',
            label: plain('L'),
            hint: plain(x(2001)),
            element: { type: 'plain_text_input', action_id: 'i' },
          },
        ],
      }),
      'modal',
      /input hint is 2001/,
    ],
    [
      'max_length 3,001',
      modal({
        submit: plain('Go'),
        blocks: [
          { type: 'input', label: plain('L'), element: { type: 'plain_text_input', action_id: 'i', max_length: 3001 } },
        ],
      }),
      'modal',
      /max_length: 3001, Slack allows 1 to 3000/,
    ],
    [
      'input without submit',
      modal({ blocks: [{ type: 'input', label: plain('L'), element: { type: 'plain_text_input', action_id: 'i' } }] }),
      'modal',
      /needs a submit button/,
    ],
    ['modal title 25', modal({ title: plain(x(25)) }), 'modal', /view\.title\.text: view title is 25/],
    ['modal without a title', modal({ title: undefined }), 'modal', /a modal needs a title/],
    ['submit 25', modal({ submit: plain(x(25)) }), 'modal', /submit button is 25/],
    ['close 25', modal({ close: plain(x(25)) }), 'modal', /close button is 25/],
    [
      'private_metadata 3,001',
      { type: 'home', blocks: [], private_metadata: x(3001) },
      'home',
      /private_metadata is 3001/,
    ],
    ['callback_id 256', modal({ callback_id: x(256) }), 'modal', /callback_id is 256/],
    ['a home view sent as a modal', { type: 'home', title: plain('T'), blocks: [] }, 'modal', /type "home" on a modal/],
  ])('finds %s', (_name, payload, surface, pattern) => {
    breaks(payload, surface as 'message' | 'modal' | 'home', pattern);
  });
});
