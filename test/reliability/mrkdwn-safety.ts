/** Every piece of text that Slack would render as mrkdwn, from any message, modal or Home view. */
export function mrkdwnTexts(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const v of value) mrkdwnTexts(v, out);
  } else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (o.type === 'mrkdwn' && typeof o.text === 'string') out.push(o.text);
    if (typeof o.text === 'string' && o.type === undefined) out.push(o.text); // a message's top-level text
    for (const [k, v] of Object.entries(o)) if (k !== 'text' || typeof v !== 'string') mrkdwnTexts(v, out);
  }
  return out;
}

// Our own mrkdwn tokens: dates, the notice channel and the admin who clicked a notice's button.
// Any other <…> is a mention, a link or a command that came from user text.
const OWN_TOKEN = /<!date\^\d+\^[^|>]*\|[^>]*>|<#C0NOTICE1>|<@UADMIN>/g;
export const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** Why `text` is unsafe to show in Slack: raw `<`/`>` outside our own tokens, or control characters. */
export function slackProblems(text: string): string[] {
  const problems: string[] = [];
  const rest = text.replace(OWN_TOKEN, '');
  if (/[<>]/.test(rest))
    problems.push(
      `raw < or >: ${JSON.stringify(rest.slice(Math.max(0, rest.search(/[<>]/) - 30), rest.search(/[<>]/) + 30))}`,
    );
  if (CONTROL.test(text)) problems.push(`control character in ${JSON.stringify(text.slice(0, 80))}`);
  return problems;
}
