/**
 * The shape of every identifier that reaches us as untrusted text (button values, command text,
 * webhook metadata, environment variables). One rule each: a value that passes here is safe to
 * put in SQL parameters of that type and in Slack markup.
 */

/** Our user ids: bigserial, sent as decimal text. */
export const isUserId = (id: string): boolean => /^\d{1,18}$/.test(id);

/** Our invitation ids. */
export const isUuid = (id: string): boolean =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

/** Slack user ids: U… (workspace) or W… (Enterprise Grid). Safe inside `<@…>`. */
export const SLACK_USER_ID = '[UW][A-Z0-9]{2,20}';
export const isSlackUserId = (id: string): boolean => new RegExp(`^${SLACK_USER_ID}$`).test(id);

/**
 * Conversation ids that can host team notices: public (C) and private or legacy group (G) channels.
 * DMs (D) cannot. Ids are 9–11 characters today; the range leaves room for growth.
 */
export const CHANNEL_ID = '[CG][A-Z0-9]{8,20}';
export const isChannelId = (id: string): boolean => new RegExp(`^${CHANNEL_ID}$`).test(id);

/** Slack team (T…) and Enterprise Grid org (E…) ids. */
export const isTeamId = (id: string): boolean => /^T[A-Z0-9]{2,20}$/.test(id);
export const isEnterpriseId = (id: string): boolean => /^E[A-Z0-9]{2,20}$/.test(id);
