import {
  AnonymousCredential,
  ContainerClient,
  Pipeline,
  newPipeline,
  type RequestPolicy,
  type RequestPolicyFactory,
  type StoragePipelineOptions,
  type WebResource,
} from '@azure/storage-blob';

/**
 * A Blob pipeline that signs every request with the SAS current at send time, so one long-lived
 * ContainerClient keeps working across rotations (an operation that started before a rotation finishes with
 * the SAS it started with only if it is a single request; multi-request uploads pick up the new SAS per request).
 */
export function createRotatingSasPipeline(currentSasToken: () => string, options?: StoragePipelineOptions): Pipeline {
  const base = newPipeline(new AnonymousCredential(), options);
  const sasFactory: RequestPolicyFactory = {
    create(nextPolicy: RequestPolicy): RequestPolicy {
      return {
        sendRequest(request: WebResource) {
          request.url = withSas(request.url, currentSasToken());
          return nextPolicy.sendRequest(request);
        },
      };
    },
  };
  return new Pipeline([...base.factories, sasFactory], base.options);
}

/** A ContainerClient for `containerUrl` (no SAS in it) whose requests carry the current SAS. */
export function createSasContainerClient(containerUrl: string, currentSasToken: () => string, options?: StoragePipelineOptions): ContainerClient {
  return new ContainerClient(containerUrl, createRotatingSasPipeline(currentSasToken, options));
}

/** `url` with the SAS query parameters set (replacing any earlier SAS parameters). */
export function withSas(url: string, sasToken: string): string {
  const target = new URL(url);
  for (const [name, value] of new URLSearchParams(sasToken)) target.searchParams.set(name, value);
  return target.toString();
}
