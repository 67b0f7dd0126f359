/** Series kinds of the MetrixIDR weather model: measured, forecast by a provider, or a normal (scenario). */
export const weatherKinds = ['Actual', 'Forecast', 'Normal'] as const;
/** A series kind. */
export type WeatherKind = (typeof weatherKinds)[number];

/**
 * Point statuses. MetrixIDR shows Bad and Filled; Good is the unmarked case and Missing lets a file
 * say "no value for this slot" explicitly (its Value may then be empty). Anything else is refused so
 * that a consumer never has to guess what an unknown status means.
 */
export const weatherStatuses = ['Good', 'Bad', 'Filled', 'Missing'] as const;
/** A point status. */
export type WeatherStatus = (typeof weatherStatuses)[number];

/** MetrixND-safe concept id: a letter first, then letters, digits or underscores. */
export const conceptIdPattern = /^[A-Za-z][A-Za-z0-9_]*$/;

// "Reading" is what the MetrixIDR screens call an actual value, so exports may use either word.
const kindAliases = new Map<string, WeatherKind>([
  ['actual', 'Actual'],
  ['reading', 'Actual'],
  ['forecast', 'Forecast'],
  ['normal', 'Normal'],
]);

/** Kind from its text (case-insensitive; "Reading" means Actual), or undefined. */
export function parseWeatherKind(text: string): WeatherKind | undefined {
  return kindAliases.get(text.trim().toLowerCase());
}

/** Status from its text (case-insensitive; empty means Good), or undefined. */
export function parseWeatherStatus(text: string): WeatherStatus | undefined {
  const key = text.trim().toLowerCase();
  if (key === '') return 'Good';
  return weatherStatuses.find((status) => status.toLowerCase() === key);
}
