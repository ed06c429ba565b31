import { allowedHazardActions, DEFAULT_SETTINGS, type Hazard, type TenantSettings } from '@gridsafe/core';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { countyData } from '../county-data.ts';

/**
 * A hazard as answered: with the steps the caller may take on it now, so a client draws only those (the phone
 * keeps them with the hazard it caches offline). Only one county setting can change the answer, the one-person
 * township, and only for a rectification the caller reported: the settings are read for that case alone.
 */
export async function withHazardAllowedActions(
  c: Context<AppEnv>,
  hazard: Hazard,
  settings?: TenantSettings,
) {
  const principal = c.get('principal');
  const rules =
    settings ??
    (hazard.rectification?.by === principal.username
      ? (await countyData(c).settings.get()).settings
      : DEFAULT_SETTINGS);
  return { ...hazard, allowedActions: allowedHazardActions(hazard, principal, rules) };
}

/** A page of the hazard board, each hazard with the caller's steps. */
export async function pageWithHazardAllowedActions<P extends { items: Hazard[] }>(
  c: Context<AppEnv>,
  page: P,
) {
  return {
    ...page,
    items: await Promise.all(page.items.map((hazard) => withHazardAllowedActions(c, hazard))),
  };
}
