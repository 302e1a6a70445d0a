export {
  type AddressCheck,
  checkAddress,
  isValidEmail,
  NOT_AN_ADDRESS,
  normalizeEmail,
  UNICODE_LOCAL,
  unwrapMailto,
} from '../text/email.js';
export {
  DUPLICATE,
  describeRejected,
  exceedsLimit,
  formatAddresses,
  MAX_INVITE_EMAILS,
  mergeAddresses,
  type ParsedAddresses,
  parseAddresses,
  shorten,
  TOO_MANY,
  TOO_MANY_TEXT,
} from './addresses.js';
export { type ChannelParse, parseChannel } from './channel.js';
export { MAX_FIND, parseCommand } from './grammar.js';
export { type Markup, markupText, readMarkup, unescapeSlack } from './slack-text.js';
export {
  type Command,
  type EmailCommandKind,
  type Invitee,
  LIST_FILTERS,
  type ListFilter,
  type NotifyTarget,
  type ParseResult,
  type Rejected,
  ROLES,
  type Role,
} from './types.js';
export { USAGE } from './usage.js';
