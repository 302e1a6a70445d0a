import type { WebClient } from './context.js';

/** A CSV of 1,000 people with names and roles is well under 200 KB; anything this big is not one. */
export const MAX_FILE_BYTES = 2_000_000;
const DOWNLOAD_TIMEOUT_MS = 10_000;
/** Where Slack serves uploaded files; the other allowed origin is the configured API's (a fake in tests). */
const SLACK_FILES_ORIGIN = 'https://files.slack.com';

export type Download = { ok: true; name: string; text: string } | { ok: false; reason: string };

/**
 * The uploaded file's id, as the modal's file_input submits it. Everything else in that entry
 * (its URL included) is ignored: files.info says where to fetch it.
 */
export function uploadedFileId(value: unknown): string | null {
  const files = (value as { files?: unknown } | undefined)?.files;
  const first: unknown = Array.isArray(files) ? files[0] : undefined;
  const id = (first as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' && /^F[A-Z0-9]{2,30}$/.test(id) ? id : null;
}

/** The bot token goes only to Slack: files.slack.com, or the origin of the configured API base URL. */
function allowedUrl(client: WebClient, raw: string): boolean {
  try {
    const url = new URL(raw);
    return url.origin === SLACK_FILES_ORIGIN || url.origin === new URL(client.slackApiUrl).origin;
  } catch {
    return false;
  }
}

/**
 * Downloads a file uploaded through the invite modal: files.info (through the client, so through
 * SLACK_API_URL when set), then its url_private_download with the bot token (files:read). Slack
 * answers a token without that scope with its HTML login page, which is refused by type here.
 */
export async function downloadUploadedFile(client: WebClient, fileId: string): Promise<Download> {
  const info = await client.files.info({ file: fileId });
  const file = info.file;
  const url = file?.url_private_download ?? file?.url_private;
  const name = file?.name ?? fileId;
  if (!file || !url || !allowedUrl(client, url)) return { ok: false, reason: `Slack did not say where ${name} is.` };
  if ((file.size ?? 0) > MAX_FILE_BYTES) return { ok: false, reason: `${name} is larger than 2 MB.` };
  const res = await fetch(url, {
    headers: { authorization: `Bearer ${client.token ?? ''}` },
    signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS),
  });
  const type = res.headers.get('content-type') ?? '';
  if (!res.ok || type.includes('text/html')) {
    return { ok: false, reason: `Slack did not hand over ${name} (HTTP ${res.status}); try again, or paste the list.` };
  }
  const bytes = await res.arrayBuffer();
  if (bytes.byteLength > MAX_FILE_BYTES) return { ok: false, reason: `${name} is larger than 2 MB.` };
  return { ok: true, name, text: new TextDecoder('utf-8').decode(bytes) };
}
