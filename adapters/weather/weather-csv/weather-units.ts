/**
 * Units accepted by default. Spellings follow what weather exports commonly write (ASOS/METAR style
 * abbreviations); operators extend or replace the list through config rather than code.
 */
export const defaultWeatherUnits: readonly string[] = [
  'F', 'C', 'K', // temperature
  'pct', '%', // humidity, cloud cover
  'in', 'mm', 'cm', // precipitation, snow
  'mph', 'kph', 'km/h', 'm/s', 'kt', // wind speed
  'deg', // wind direction
  'inHg', 'hPa', 'mb', 'kPa', // pressure
  'W/m2', 'MJ/m2', 'ly', // solar radiation
  'mi', 'km', 'm', 'ft', // visibility, ceiling
  'h', 'min', // sunshine duration
  'HDD', 'CDD', // degree days (LT mode)
];

/** Case-insensitive lookup that returns a unit in the spelling the configuration uses. */
export class UnitCatalog {
  readonly #byKey = new Map<string, string>();

  constructor(units: Iterable<string>) {
    for (const unit of units) {
      const key = unit.trim().toLowerCase();
      if (key !== '' && !this.#byKey.has(key)) this.#byKey.set(key, unit.trim());
    }
  }

  /** The configured spelling of `unit`, or undefined when it is not accepted. */
  canonical(unit: string): string | undefined {
    return this.#byKey.get(unit.trim().toLowerCase());
  }
}
