export type { BridgeStats } from './bridge-stats.js';
export { type RestBridge, type RestBridgeOptions, startRestBridge } from './start-rest-bridge.js';
