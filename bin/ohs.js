#!/usr/bin/env node
// Entry point of the `ohs` command. The sources are TypeScript run through tsx, registered here with
// the project's tsconfig so decorators (tsyringe) compile the same way wherever the command is run from.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
await import('../ohs/main-cli.ts');
