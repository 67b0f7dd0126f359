/** Azurite (Microsoft's Blob emulator) as a sandbox stand-in for Blob storage. */
export { startAzurite, AZURITE_ACCOUNT_NAME, AZURITE_ACCOUNT_KEY, type AzuriteOptions, type AzuriteBlob } from './azurite.js';
