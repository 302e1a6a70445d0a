import { isUuid as isInvitationId, isUserId } from '../../text/ids.js';

/**
 * What a notice line's button carries: the user and the invitation the line is about (≤ 82 chars).
 * The service refuses with `stale` when that invitation is no longer the user's open one, so a second
 * click on a line someone already handled changes nothing.
 */
export interface NoticeRef {
  userId: string;
  invitationId: string;
}

export function encodeNoticeRef(ref: NoticeRef): string {
  return `${ref.userId}|${ref.invitationId}`;
}

/** Values come back from Slack as untrusted text: anything malformed decodes to null. */
export function decodeNoticeRef(value: string | undefined): NoticeRef | null {
  const parts = (value ?? '').split('|');
  const [userId, invitationId] = parts;
  if (parts.length !== 2 || !userId || !invitationId || !isUserId(userId) || !isInvitationId(invitationId)) return null;
  return { userId, invitationId };
}
