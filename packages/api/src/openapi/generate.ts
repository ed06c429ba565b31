import { COUNTY_API_INFO, countyRouteTable } from '../app.ts';
import { PLATFORM_API_BASE, PLATFORM_API_INFO, platformRouteTable } from '../platform/platform-app.ts';
import { openApiDocument } from './document.ts';

/** The two documents the API serves, from the same route tables (the county's server URL is per request). */
export async function generatedDocuments() {
  return {
    'county-openapi.json': openApiDocument(COUNTY_API_INFO, await countyRouteTable(), '/t/{tenant}/api/v1'),
    'platform-openapi.json': openApiDocument(PLATFORM_API_INFO, platformRouteTable(), PLATFORM_API_BASE),
  };
}
