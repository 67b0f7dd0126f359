import type { AdapterManifest } from '../sdk/index.js';
import { HybridError } from '../sdk/index.js';

/** The adapters this OHS build knows, by id. Built once at start from the adapters' manifests. */
export class AdapterRegistry {
  readonly #byId = new Map<string, AdapterManifest>();

  constructor(manifests: readonly AdapterManifest[]) {
    for (const manifest of manifests) {
      if (this.#byId.has(manifest.id)) {
        throw new HybridError('invalid-manifest', `two adapters share the id "${manifest.id}"`);
      }
      this.#byId.set(manifest.id, manifest);
    }
  }

  /** Every manifest, sorted by id. */
  list(): AdapterManifest[] {
    return [...this.#byId.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Known ids, sorted. */
  ids(): string[] {
    return this.list().map((m) => m.id);
  }

  /** The manifest of an id, or undefined. */
  find(id: string): AdapterManifest | undefined {
    return this.#byId.get(id);
  }

  /** The manifest of an id; throws `unknown-adapter` naming the known ids. */
  get(id: string): AdapterManifest {
    const manifest = this.#byId.get(id);
    if (manifest === undefined) {
      throw new HybridError('unknown-adapter', `unknown adapter "${id}"; known adapters: ${this.ids().join(', ')}`);
    }
    return manifest;
  }
}
