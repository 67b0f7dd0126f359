/**
 * The adapter SDK: the one import path for adapter authors.
 * Adapters import from here and from nothing else in core.
 */
import 'reflect-metadata';

export { inject, injectable } from 'tsyringe';
export { z } from 'zod';
export * from '../../contracts/records.js';
export * from './errors.js';
export * from './method.js';
export * from './config.js';
export * from './context.js';
export * from './lifecycle.js';
export * from './data-feed.js';
export * from './request-response.js';
export * from './file-transfer.js';
export * from './data-sources.js';
export * from './manifest.js';
export * from './tokens.js';
export * from './reason-list.js';
export * from './streaming-file-adapter.js';
