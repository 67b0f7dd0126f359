/**
 * Head-end simulators of OWOC-CM (REPRESENTATIVE contracts): a pusher of DataArrived batches to a
 * subscriber endpoint, and the DataService answering interactive reads. Both bind loopback by default.
 */
export {
  dataArrivedElement,
  dataArrivedEnvelope,
  usernameTokenHeader,
  type DataArrivedPayload,
  type PushCredentials,
  type PushedIntervalReading,
  type PushedMeterReading,
  type PushedReading,
} from './data-arrived-envelope.js';
export { pushDataArrived, OwocPushError, type PushAcknowledgement, type PushOptions } from './push-data-arrived.js';
export { startOwocDataPusher, fifteenMinuteKwh, type OwocDataPusher, type OwocDataPusherOptions, type OwocDataPusherStats } from './owoc-data-pusher.js';
export {
  startOwocDataService,
  simulatedReadFails,
  faultMeterPrefix,
  maxMetersPerRead,
  type OwocDataService,
  type OwocDataServiceOptions,
  type OwocDataServiceStats,
} from './owoc-data-service.js';
export { simulatedMeterReading, registerKwh, simulatedIntervalCount, type MeterReadingObject } from './simulated-meter-reading.js';
export { simulatedMeterId } from './simulated-values.js';
