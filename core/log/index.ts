/** Structured logging with secret redaction. */
export { createLogger, type LoggerOptions, type Logger } from './logger.js';
export { redactString, redactValue, registerSecret, clearRegisteredSecrets } from './redact.js';
