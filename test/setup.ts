// tsyringe needs the Reflect metadata polyfill loaded before any decorated class is defined.
import 'reflect-metadata';
