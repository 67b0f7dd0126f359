import { link, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { versionedName } from './safe-file-name.js';

/**
 * Move a file into a folder without ever replacing an existing file: `link` fails when the target
 * exists (unlike `rename`), so we try `name`, `name (1)`, `name (2)`… and unlink the source after.
 * Returns the final path.
 */
export async function moveWithoutOverwrite(source: string, folder: string, name: string): Promise<string> {
  for (let n = 0; n < 10_000; n += 1) {
    const target = join(folder, n === 0 ? name : versionedName(name, n));
    try {
      await link(source, target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      // Filesystems without hard links: fall back to rename after an existence check.
      if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EXDEV') {
        const { access } = await import('node:fs/promises');
        const exists = await access(target).then(() => true, () => false);
        if (exists) continue;
        await rename(source, target);
        return target;
      }
      throw error;
    }
    await unlink(source);
    return target;
  }
  throw new Error(`no free name for ${name} in ${folder}`);
}
