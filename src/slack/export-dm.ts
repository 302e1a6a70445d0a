import type { WebClient } from './context.js';

/**
 * A file in the user's direct message with the app: conversations.open gives the DM (im:write),
 * files.uploadV2 uploads it there (files:write). A DM, never the channel the command was typed in:
 * an export holds personal data for the admin who asked.
 */
export async function sendCsvByDm(
  client: WebClient,
  userId: string,
  file: { csv: string; filename: string; comment: string },
): Promise<void> {
  const channel = (await client.conversations.open({ users: userId })).channel?.id;
  if (!channel?.startsWith('D')) throw new Error('Slack did not open a direct message for the export');
  await client.files.uploadV2({
    channel_id: channel,
    file: Buffer.from(file.csv, 'utf8'),
    filename: file.filename,
    title: file.filename,
    initial_comment: file.comment,
  });
}
