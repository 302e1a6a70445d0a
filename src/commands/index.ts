export { type ChannelParse, type NotifyTarget, parseChannel } from './channel.js';
export { isValidEmail, normalizeEmail, unwrapMailto } from './email.js';
export {
  type Command,
  type EmailCommandKind,
  type Invitee,
  LIST_FILTERS,
  type ListFilter,
  type Rejected,
  MAX_INVITE_EMAILS,
  MAX_PAGE,
  type ParseResult,
  parseAddresses,
  parseCommand,
  type Role,
} from './grammar.js';
export { USAGE } from './usage.js';
