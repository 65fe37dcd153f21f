export { ResilientStrategy, type ResilientStrategyOptions } from './resilient-strategy.js';
