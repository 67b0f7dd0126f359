import { HybridError } from '../../sdk/index.js';

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$/i;

/**
 * Reduce a file name that came from outside (a cloud download request) to a safe single path
 * segment: no folders, no traversal, no absolute paths, no control or reserved characters.
 * Throws `invalid-input` when nothing usable remains, rather than inventing a name.
 */
export function safeFileName(requested: string): string {
  if (/[/\\]/.test(requested) || requested.includes('\0')) {
    throw new HybridError('invalid-input', `file name "${requested.replace(/[\u0000-\u001f]/g, '?')}" must not contain path separators`);
  }
  const cleaned = requested.replace(/[\u0000-\u001f<>:"|?*]/g, '_').trim().replace(/[. ]+$/, '');
  if (cleaned === '' || cleaned === '.' || cleaned === '..' || cleaned.startsWith('.') || WINDOWS_RESERVED.test(cleaned) || cleaned.length > 200) {
    throw new HybridError('invalid-input', `file name "${requested.slice(0, 100)}" is not allowed (empty, hidden, reserved or longer than 200 characters)`);
  }
  return cleaned;
}

/** `name.ext` → `name (n).ext`, to version a file instead of overwriting. */
export function versionedName(name: string, n: number): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
}
