// Regenerates openapi/openapi.json from the route schemas. A test fails when the committed
// file and what the server serves differ, so run this after changing any route.
import { writeFileSync } from 'node:fs';
import { openapiDocument } from './openapi-document.js';

const doc = await openapiDocument();
writeFileSync(new URL('../openapi/openapi.json', import.meta.url), doc);
console.log('wrote openapi/openapi.json');
