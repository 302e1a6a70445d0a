import fs from 'node:fs';

/** Debian's Chromium, driven by playwright-core (browsers cannot be downloaded here). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = fs.existsSync(CHROMIUM);
/** CI sets this: there, a missing Chromium is a failure, not a skip. */
export const chromiumRequired = process.env.REQUIRE_CHROMIUM === '1';
export const INSTALL_CHROMIUM = 'apt-get update && apt-get install -y chromium';

/** Said at the very end of `npm test`, where nobody can miss it. */
export const MISSING_CHROMIUM_BANNER = [
  '',
  '!'.repeat(78),
  `!! The invite-page browser tests did NOT run: ${CHROMIUM} is not installed.`,
  `!! Install it with:  ${INSTALL_CHROMIUM}`,
  '!! (CI installs it and fails when it is missing.)',
  '!'.repeat(78),
  '',
].join('\n');
