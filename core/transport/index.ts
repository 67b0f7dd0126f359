/** The OHS's Service Bus transport: tenant channels, connectivity detection, envelope mapping. */
export * from './connectivity-probe.js';
export * from './channel-options.js';
export * from './envelope-codec.js';
export * from './translate-error.js';
export * from './service-bus-channel.js';
