// The plugin's two APIs (docs/PROTOCOL.md) as this client sends and reads them, in one module:
// the message types of the plugin requests and answers (over janus.js) and of the data channel,
// and the validating parsers for everything that arrives. Import from here ('../protocol').
export * from './dataChannel';
export * from './pluginApi';
export { parseServerMessage, type Arrival } from './parseServerMessage';
export { parsePluginMessage, parseMediaEvent, parseSlowLink } from './parsePluginMessage';
