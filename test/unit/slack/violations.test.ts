import { describe, expect, it } from 'vitest';
import { blockKitViolations } from '../../../src/slack/blocks/violations.js';
import { breaks, button, confirm, modal, mrkdwn, option, plain, section, x } from '../../support/block-kit.js';

describe('blockKitViolations', () => {
  it('passes payloads right at every limit', () => {
    const blocks = [
      section(x(3000), { block_id: x(255), accessory: button({ text: plain(x(75)), value: x(2000), url: x(3000) }) }),
      { type: 'section', fields: Array.from({ length: 10 }, () => mrkdwn(x(2000))) },
      { type: 'header', text: plain(x(150)) },
      { type: 'context', elements: Array.from({ length: 10 }, () => mrkdwn('c')) },
      {
        type: 'actions',
        elements: [
          { type: 'overflow', action_id: x(255), options: Array.from({ length: 5 }, () => option(x(75), x(150))) },
          button({
            action_id: 'c',
            confirm: confirm({ title: plain(x(100)), text: mrkdwn(x(300)), confirm: plain(x(30)), deny: plain(x(30)) }),
          }),
          {
            type: 'static_select',
            action_id: 's',
            placeholder: plain(x(150)),
            options: Array.from({ length: 100 }, () => option()),
          },
        ],
      },
    ];
    expect(
      blockKitViolations({ text: x(4000), blocks: [...blocks, ...Array(45).fill({ type: 'divider' })] }, 'message'),
    ).toEqual([]);
    expect(
      blockKitViolations(
        modal({
          title: plain(x(24)),
          submit: plain(x(24)),
          close: plain(x(24)),
          private_metadata: x(3000),
          callback_id: x(255),
          blocks: [
            ...blocks,
            {
              type: 'input',
              label: plain(x(2000)),
              hint: plain(x(2000)),
              element: { type: 'plain_text_input', action_id: 'i', max_length: 3000, placeholder: plain(x(150)) },
            },
            ...Array(94).fill({ type: 'divider' }),
          ],
        }),
        'modal',
      ),
    ).toEqual([]);
  });

  it.each([
    [
      '51 blocks in a message',
      { blocks: Array(51).fill({ type: 'divider' }) },
      'message',
      /51 blocks, Slack allows 0 to 50/,
    ],
    ['101 blocks in Home', { type: 'home', blocks: Array(101).fill({ type: 'divider' }) }, 'home', /101 blocks/],
    [
      'message text over 40,000',
      { text: x(40_001), blocks: [] },
      'message',
      /message text is 40001 characters, over Slack's 40000/,
    ],
    ['message text over the advised 4,000', { text: x(4001) }, 'message', /advises at most 4,000/],
    ['section text 3,001', [section(x(3001))], 'message', /blocks\[0\]\.text\.text: section text is 3001/],
    ['empty section text', [section('')], 'message', /section text is empty/],
    ['section with neither', [{ type: 'section' }], 'message', /neither text nor fields/],
    ['11 fields', [{ type: 'section', fields: Array(11).fill(mrkdwn('f')) }], 'message', /11 fields/],
    ['field 2,001', [{ type: 'section', fields: [mrkdwn(x(2001))] }], 'message', /fields\[0\]\.text: field is 2001/],
    ['header 151', [{ type: 'header', text: plain(x(151)) }], 'message', /header text is 151/],
    ['11 context elements', [{ type: 'context', elements: Array(11).fill(mrkdwn('c')) }], 'message', /11 elements/],
    [
      '26 actions elements',
      [{ type: 'actions', elements: Array.from({ length: 26 }, (_, i) => button({ action_id: `b${i}` })) }],
      'message',
      /26 elements/,
    ],
    ['block_id 256', [section('s', { block_id: x(256) })], 'message', /block_id is 256/],
    [
      'repeated block_id',
      [section('a', { block_id: 'same' }), section('b', { block_id: 'same' })],
      'message',
      /block_id "same" repeats/,
    ],
    ['action_id 256', [section('s', { accessory: button({ action_id: x(256) }) })], 'message', /action_id is 256/],
    [
      'repeated action_id in a block',
      [{ type: 'actions', elements: [button(), button()] }],
      'message',
      /action_id "b" repeats in its block/,
    ],
    [
      'button text 76',
      [section('s', { accessory: button({ text: plain(x(76)) }) })],
      'message',
      /accessory\.text\.text: button text is 76/,
    ],
    [
      'button value 2,001',
      [section('s', { accessory: button({ value: x(2001) }) })],
      'message',
      /button value is 2001/,
    ],
    ['button url 3,001', [section('s', { accessory: button({ url: x(3001) }) })], 'message', /button url is 3001/],
    [
      'overflow with 6 options',
      [section('s', { accessory: { type: 'overflow', action_id: 'o', options: Array(6).fill(option()) } })],
      'message',
      /6 options, Slack allows 2 to 5/,
    ],
    [
      'overflow with 1 option',
      [section('s', { accessory: { type: 'overflow', action_id: 'o', options: [option()] } })],
      'message',
      /1 options, Slack allows 2 to 5/,
    ],
    [
      'option text 76',
      [section('s', { accessory: { type: 'overflow', action_id: 'o', options: [option(x(76)), option()] } })],
      'message',
      /options\[0\]\.text\.text: option text is 76/,
    ],
    [
      'option value 151',
      [section('s', { accessory: { type: 'overflow', action_id: 'o', options: [option('A', x(151)), option()] } })],
      'message',
      /option value is 151/,
    ],
    [
      'option description 76',
      [
        section('s', {
          accessory: { type: 'radio_buttons', action_id: 'r', options: [{ ...option(), description: plain(x(76)) }] },
        }),
      ],
      'message',
      /option description is 76/,
    ],
    [
      'confirm title 101',
      [section('s', { accessory: button({ confirm: confirm({ title: plain(x(101)) }) }) })],
      'message',
      /confirm title is 101/,
    ],
    [
      'confirm text 301',
      [section('s', { accessory: button({ confirm: confirm({ text: mrkdwn(x(301)) }) }) })],
      'message',
      /confirm\.text\.text: confirm text is 301/,
    ],
    [
      'confirm button 31',
      [section('s', { accessory: button({ confirm: confirm({ confirm: plain(x(31)) }) }) })],
      'message',
      /confirm button is 31/,
    ],
    [
      'deny button 31',
      [section('s', { accessory: button({ confirm: confirm({ deny: plain(x(31)) }) }) })],
      'message',
      /deny button is 31/,
    ],
    [
      'confirm on an overflow',
      [
        section('s', {
          accessory: {
            type: 'overflow',
            action_id: 'o',
            options: [option(), option()],
            confirm: confirm({ text: mrkdwn(x(301)) }),
          },
        }),
      ],
      'message',
      /accessory\.confirm\.text/,
    ],
    [
      '101 select options',
      [{ type: 'actions', elements: [{ type: 'static_select', action_id: 's', options: Array(101).fill(option()) }] }],
      'message',
      /101 options/,
    ],
    [
      'option group label 76',
      [
        {
          type: 'actions',
          elements: [
            { type: 'static_select', action_id: 's', option_groups: [{ label: plain(x(76)), options: [option()] }] },
          ],
        },
      ],
      'message',
      /option group label is 76/,
    ],
    [
      'initial option value 151',
      [
        {
          type: 'actions',
          elements: [
            { type: 'static_select', action_id: 's', options: [option()], initial_option: option('A', x(151)) },
          ],
        },
      ],
      'message',
      /initial_option\.value: option value is 151/,
    ],
    [
      '11 radio buttons',
      [{ type: 'actions', elements: [{ type: 'radio_buttons', action_id: 'r', options: Array(11).fill(option()) }] }],
      'message',
      /11 options/,
    ],
    [
      'placeholder 151',
      [{ type: 'actions', elements: [{ type: 'conversations_select', action_id: 'c', placeholder: plain(x(151)) }] }],
      'message',
      /placeholder is 151/,
    ],
  ])('finds %s', (_name, payload, surface, pattern) => {
    breaks(payload, surface as 'message' | 'modal' | 'home', pattern);
  });

  it('reports every broken limit at once, with where it is', () => {
    const bad = blockKitViolations(
      [
        section(x(3001), {
          accessory: { type: 'overflow', action_id: 'o', options: Array(6).fill(option(x(80), x(160))) },
        }),
      ],
      'message',
    );
    expect(bad).toHaveLength(1 + 1 + 6 * 2);
    expect(bad[0]).toBe("blocks[0].text.text: section text is 3001 characters, over Slack's 3000");
  });

  it('says what is not Block Kit at all', () => {
    expect(blockKitViolations('nope', 'message')).toEqual(['payload: neither a message, a view nor a list of blocks']);
    expect(blockKitViolations({ blocks: 'x' }, 'message')).toEqual(['blocks: not a list']);
    expect(blockKitViolations([null], 'message')).toEqual(['blocks[0]: block is not an object']);
    expect(blockKitViolations([section('s', { accessory: { type: 'button', text: 'Go' } })], 'message')).toEqual([
      'blocks[0].accessory.text: button text is not a text object',
    ]);
  });
});
