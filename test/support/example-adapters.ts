import { AdapterBase, AdapterTokens, defineAdapter, inject, injectable, secretField, z, type AdapterContext, type FileCandidate, type FileValidation } from '../../core/sdk/index.js';

const exampleConfig = z.object({
  endpoint: z.string().url().describe('Head-end URL'),
  username: z.string().min(1).describe('Account name'),
  password: secretField('Account password'),
  retries: z.number().int().min(0).default(3).describe('Retry count'),
});

/** A request-response adapter used only by core tests: records its config and lifecycle calls. */
@injectable()
export class ExampleRequestAdapter extends AdapterBase {
  static stops = 0;
  constructor(@inject(AdapterTokens.Config) readonly config: z.infer<typeof exampleConfig>) {
    super();
  }
  protected async onStart(_context: AdapterContext): Promise<void> {}
  protected async onStop(): Promise<void> {
    ExampleRequestAdapter.stops += 1;
  }
  async handle(operation: string): Promise<unknown> {
    this.assertRunning();
    return { operation, user: this.config.username };
  }
}

/** Manifest of {@link ExampleRequestAdapter}. */
export const exampleRequestManifest = defineAdapter({
  id: 'example-request',
  dataSource: 'Example head-end (tests)',
  description: 'Test adapter',
  method: 'request-response',
  operations: [{ name: 'ping', description: 'Ping', request: z.object({}), result: z.unknown(), defaultTimeoutInMs: 1000 }],
  configSchema: exampleConfig,
  stability: 'experimental',
  implementation: ExampleRequestAdapter,
});

/** A file adapter used only by core tests. */
@injectable()
export class ExampleFileAdapter extends AdapterBase {
  constructor(
    @inject(AdapterTokens.Config) readonly config: { suffix: string },
    @inject(AdapterTokens.Folder) readonly folder: string,
  ) {
    super();
  }
  protected async onStart(): Promise<void> {}
  protected async onStop(): Promise<void> {}
  async validate(file: FileCandidate): Promise<FileValidation> {
    this.assertRunning();
    return { accepted: true, recordCount: file.size, identifiers: [], metadata: {} };
  }
}

/** Manifest of {@link ExampleFileAdapter}. */
export const exampleFileManifest = defineAdapter({
  id: 'example-files',
  dataSource: 'Example files (tests)',
  description: 'Test adapter',
  method: 'file-transfer',
  files: { folder: 'example', patterns: ['*.txt'], direction: 'upload', description: 'text files' },
  configSchema: z.object({ suffix: z.string().default('.txt').describe('Suffix') }),
  stability: 'experimental',
  implementation: ExampleFileAdapter,
});
