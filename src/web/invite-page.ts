import type { Express } from 'express';
import type { Deps } from '../deps.js';

/** The invitee's pages under INVITE_PATH (see links.ts). */
export function registerInvitePages(web: Express, deps: Deps): void {
  void web;
  void deps;
}
