export {
  parseCommand,
  MAX_INVITE_EMAILS,
  MAX_PAGE,
  type Command,
  type EmailCommandKind,
  type ListFilter,
  type ParseResult,
  type Role,
} from './grammar.js';
export { parseChannel, type ChannelParse, type NotifyTarget } from './channel.js';
export { USAGE } from './usage.js';
export { isValidEmail, normalizeEmail, unwrapMailto } from './email.js';
