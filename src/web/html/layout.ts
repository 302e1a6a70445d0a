import { createHash } from 'node:crypto';
import { escapeHtml } from '../../text/html.js';

/**
 * The page shell of the invite pages: one inline stylesheet and no script at all. The stylesheet is
 * a constant, so the Content-Security-Policy allows it by hash: no nonce to thread through
 * every response, and nothing an injected `<style>` or `<script>` could reuse.
 */
export const CSS = `
:root{color-scheme:light;--ink:#1f2328;--muted:#57606a;--line:#d0d7de;--field:#6e7781;--accent:#1d4ed8;--accent-dark:#1e40af;--bg:#f3f4f6;--err:#b42318}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
main{max-width:36rem;margin:0 auto;padding:1rem .75rem 2rem}
.brand{margin:.5rem .25rem 1rem;color:var(--muted);font-size:.9375rem;font-weight:600;overflow-wrap:anywhere}
.card{background:#fff;border:1px solid var(--line);border-radius:12px;padding:1.25rem 1rem}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 1rem;overflow-wrap:anywhere}
h2{font-size:1.125rem;line-height:1.3;margin:0 0 .5rem}
p{margin:0 0 1rem;overflow-wrap:anywhere}
.hint{color:var(--muted)}
dl{margin:0 0 1.5rem;display:grid;grid-template-columns:1fr;gap:0}
dt{color:var(--muted);font-size:.875rem}
dd{margin:0 0 .625rem;overflow-wrap:anywhere}
section{border-top:1px solid var(--line);padding-top:1.25rem;margin-top:1.25rem}
label{display:block;font-weight:600;margin:0 0 .25rem}
.field{margin:0 0 1rem}
.optional{font-weight:400;color:var(--muted)}
input[type=text]{display:block;width:100%;font:inherit;padding:.625rem .75rem;border:1px solid var(--field);border-radius:6px;background:#fff;color:inherit}
input[aria-invalid=true]{border:2px solid var(--err)}
.field-error{color:var(--err);font-weight:600;margin:.25rem 0 0}
.errors{border:2px solid var(--err);border-radius:8px;padding:.75rem 1rem;margin:0 0 1.25rem}
.errors h2{color:var(--err)}
.errors ul{margin:0;padding-left:1.25rem}
.errors a{color:var(--err)}
.button{display:block;width:100%;font:inherit;font-weight:600;line-height:1.25;padding:.75rem 1.25rem;min-height:2.75rem;border-radius:6px;border:2px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer;text-align:center;text-decoration:none}
.button:hover{background:var(--accent-dark);border-color:var(--accent-dark)}
.button.secondary{background:#fff;color:var(--ink);border-color:var(--field)}
.button.secondary:hover{background:#f6f8fa}
a{color:var(--accent)}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
input[type=text]:focus-visible{outline-offset:0;border-color:var(--accent)}
footer{margin:1rem .25rem 0;color:var(--muted);font-size:.875rem}
@media (min-width:40rem){
main{padding-top:3rem}
.card{padding:2rem}
dl{grid-template-columns:max-content 1fr;gap:.375rem 1.25rem}
dt{font-size:1rem}
dd{margin:0}
.button{display:inline-block;width:auto}
}
`;

export const STYLE_HASH = `sha256-${createHash('sha256').update(CSS, 'utf8').digest('base64')}`;

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src '${STYLE_HASH}'`,
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** Marks a string as already-escaped HTML so `page` does not escape it twice. */
export interface Html {
  readonly html: string;
}

/** Tagged template: every interpolated value is escaped unless it is `Html` (or a list of them). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return { html: out };
}

function render(value: unknown): string {
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  if (typeof value === 'object' && 'html' in value && typeof value.html === 'string') return value.html;
  return escapeHtml(String(value));
}

export interface Page {
  status: number;
  title: string;
  /** Shown above the card; the account name once it is known, never for the neutral pages. */
  brand?: string;
  body: Html;
}

export function renderPage(page: Page): string {
  return `<!DOCTYPE html>
${
  html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<meta name="referrer" content="no-referrer">
<title>${page.title}</title>
<style>${{ html: CSS }}</style>
</head>
<body>
<main>
${page.brand ? html`<p class="brand">${page.brand}</p>` : ''}
<div class="card">
${page.body}
</div>
<footer><p>Marketplace account invitations</p></footer>
</main>
</body>
</html>
`.html
}`;
}
