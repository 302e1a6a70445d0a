import { html, type Page } from './layout.js';

/** The "Add to Slack" page: the installer names the Marketplace account the workspace will manage. */
export function installPage(startPath: string, error: string | null = null): Page {
  return {
    status: error ? 422 : 200,
    title: 'Add Marketplace invitations to Slack',
    body: html`<h1>Add Marketplace invitations to Slack</h1>
<p>Manage who is invited to your Marketplace account without leaving Slack: <strong>/users</strong>, an App Home page, and notices in a channel of your choice.</p>
${error ? html`<div class="errors" role="alert"><p>${error}</p></div>` : ''}
<form method="get" action="${startPath}">
<div class="field">
<label for="account">Marketplace account name</label>
<input type="text" id="account" name="account" maxlength="100" required autocomplete="organization">
<p class="hint">You become its first administrator: your Slack profile email is checked against it.</p>
</div>
<p><button class="button" type="submit">Add to Slack</button></p>
</form>
<p class="hint">Installing into a workspace that already has this app keeps its account; an operator can bind a workspace to an existing account with <code>npm run cli -- bind</code>.</p>`,
  };
}

/**
 * After Slack confirmed. A workspace bound to an account already (a reinstall, or a single-token
 * deployment switching to "Add to Slack") keeps it: the page says so when the typed name differs.
 */
export function installedPage(where: string, accountName: string, askedName: string): Page {
  const kept = askedName.trim() !== accountName;
  return {
    status: 200,
    title: 'Installed',
    brand: accountName,
    body: html`<h1>Installed in ${where}</h1>
<p>This workspace now manages the users of <strong>${accountName}</strong>.</p>
${
  kept
    ? html`<p>This workspace was already connected to ${accountName}, so it keeps that account and no new one was made: the name you typed, “${askedName}”, was not used. Its administrators are unchanged; if you are not one of them, ask one to invite you.</p>`
    : ''
}
<p>Open Slack and type <strong>/users</strong>, or open the app's <strong>Home</strong> tab. Pick a channel for invitation notices there.</p>`,
  };
}

export function installFailedPage(reason: string): Page {
  return {
    status: 400,
    title: 'Installation not completed',
    body: html`<h1>The installation was not completed</h1>
<p>${reason}</p>
<p><a class="button secondary" href="/slack/install">Start again</a></p>`,
  };
}
