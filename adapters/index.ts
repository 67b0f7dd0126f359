/**
 * The registry of built-in adapters: every adapter folder's manifest, listed once.
 * A guard test fails when a folder under adapters/<family>/<id>/ is missing here.
 */
import type { AdapterManifest } from '../core/sdk/index.js';
import { manifest as cmepFiles } from './cmep/cmep-files/index.js';
import { manifest as weatherCsv } from './weather/weather-csv/index.js';
import { manifest as owocInteractiveReads } from './owoc/owoc-interactive-reads/index.js';
import { manifest as owocInterrogationReadings } from './owoc/owoc-interrogation-readings/index.js';

/** Manifests of the adapters shipped with this build. */
export const builtInAdapters: readonly AdapterManifest[] = [weatherCsv, cmepFiles, owocInterrogationReadings, owocInteractiveReads] as unknown as readonly AdapterManifest[];
