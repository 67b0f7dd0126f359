/** How an adapter moves data: the closed union of the three mechanisms. */
export const adapterMethods = ['data-feed', 'request-response', 'file-transfer'] as const;
/** An adapter method. */
export type AdapterMethod = (typeof adapterMethods)[number];
