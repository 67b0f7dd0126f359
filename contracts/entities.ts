/**
 * Names of the Service Bus entities and the Blob container that carry one tenant's traffic.
 * Both deployables (OHS and cloud) derive names from here so that they can never disagree.
 *
 * Topology, per tenant T:
 *   ihc.T.ohs-inbound            queue  cloud -> OHS: subscription changes, requests, file downloads
 *   ihc.T.responses              queue  OHS -> cloud: request responses, sessionful (session id = request id)
 *   ihc.T.ohs-events             queue  OHS -> cloud: acknowledgements and status the gateway consumes
 *   ihc.T.deliveries.S           queue  OHS -> subscriber S: feed records and file notifications
 *   container ihc-T              blob   uploaded files, claim-checked message bodies, downloads
 */
export const entityNames = {
  /** Queue the tenant's OHS listens on for everything the cloud sends it. */
  ohsInbound: (tenantId: string): string => `ihc.${tenantId}.ohs-inbound`,
  /** Sessionful queue the OHS answers requests on; the gateway accepts the session named by the request id. */
  responses: (tenantId: string): string => `ihc.${tenantId}.responses`,
  /** Queue of OHS status and acknowledgements for the cloud side. */
  ohsEvents: (tenantId: string): string => `ihc.${tenantId}.ohs-events`,
  /** A subscriber's own delivery queue: feed records and file notifications. */
  delivery: (tenantId: string, subscriberId: string): string => `ihc.${tenantId}.deliveries.${subscriberId}`,
  /** The tenant's Blob container. */
  container: (tenantId: string): string => `ihc-${tenantId}`,
} as const;

/** Subscriber ids become part of an entity name, so they are kept to a safe alphabet. */
export const subscriberIdPattern = /^[a-z0-9][a-z0-9-]{0,62}$/;
