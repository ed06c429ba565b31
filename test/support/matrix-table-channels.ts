import type { Entry } from './matrix-rules.ts';
import { countyRead, sameAgain } from './matrix-table-county.ts';

/**
 * The permission matrix's rows for the outbound channels: the settings hold the robots' keys and the log names
 * who was texted, so only the county admin (settings.manage) reads or changes either, county-wide.
 */
export const CHANNELS_TABLE: Record<string, Entry> = {
  'GET /notification-channels': countyRead('settings.manage', '/notification-channels'),
  'PUT /notification-channels': sameAgain('settings.manage', '/notification-channels', 'channels'),
  'GET /notification-channels/deliveries': countyRead('settings.manage', '/notification-channels/deliveries'),
};
