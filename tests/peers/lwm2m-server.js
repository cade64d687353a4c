'use strict';
// A LwM2M server for the tests: lwm2m-node-lib 1.4.0, bound to loopback only.
//   node lwm2m-server.js PORT [--observe]
// Prints one line per event on stdout (written synchronously, so never lost in a buffer):
//   READY <port> | REGISTERED ep=… lt=… | READ ep=… ok code=… format=… hex=… | READ ep=… error=…
//   UPDATED ep=… | UNREGISTERED ep=… reason=…
//   OBSERVING ep=… path=… value=… | NOTIFY ep=… path=… value=… | OBSERVE ep=… error=…
// After each registration it reads /3/0 from the client, as a LoopCloud server would; with
// --observe it then observes the temperature, /3303/0/5700, and logs each notification.
//
// Three things about the stock library are worked around here (found when this peer was set up):
// - it binds every UDP socket (its server and the one it opens per read) to all interfaces, so
//   dgram's bind is redirected to loopback;
// - its CoAP library throws on a Content-Format number it has not registered — in a read
//   response that kills the process — so unknown numbers decode as "cf/<n>" instead;
// - it returns read payloads as UTF-8 text (lossy for TLV and CBOR), so reads also log the hex.
const fs = require('fs');
const path = require('path');
const dgram = require('dgram');

const port = Number.parseInt(process.argv[2], 10);
const observeTemperature = process.argv.includes('--observe');
if (!(port > 0 && port < 65536)) {
  process.stderr.write('usage: node lwm2m-server.js PORT\n');
  process.exit(2);
}
const say = (line) => fs.writeSync(1, `${line}\n`);

const bind = dgram.Socket.prototype.bind;
dgram.Socket.prototype.bind = function loopbackOnly(...args) {
  const loopback = this.type === 'udp6' ? '::1' : '127.0.0.1';
  if (args[0] !== null && typeof args[0] === 'object') {
    args[0] = { ...args[0], address: args[0].address || loopback };
    return bind.apply(this, args);
  }
  const callback = typeof args[args.length - 1] === 'function' ? args.pop() : undefined;
  const rebound = [args[0] ?? 0, args[1] || loopback];
  if (callback) rebound.push(callback);
  return bind.apply(this, rebound);
};

const libraryDir = path.dirname(require.resolve('lwm2m-node-lib/package.json'));
const converter = require(require.resolve('coap/lib/option_converter', { paths: [libraryDir] }));
const fromBinary = converter.fromBinary;
converter.fromBinary = function tolerant(name, value) {
  try {
    return fromBinary(name, value);
  } catch (error) {
    if (name === 'Content-Format' || name === 'Accept') {
      return `cf/${value.length ? value.readUIntBE(0, value.length) : 0}`;
    }
    throw error;
  }
};

const lwm2m = require('lwm2m-node-lib').server;
const coapUtils = require('lwm2m-node-lib/lib/services/server/coapUtils');
const processResponse = coapUtils.generateProcessResponse;
coapUtils.generateProcessResponse = function withRawPayload(...args) {
  const process = processResponse(...args);
  return (response, callback) =>
    process(response, (error, text) =>
      error
        ? callback(error)
        : callback(null, {
            code: response.code,
            format: response.headers['Content-Format'],
            hex: response.payload.toString('hex'),
            text,
          }),
    );
};

const config = {
  port,
  udpWindow: 100,
  lifetimeCheckInterval: 1000,
  defaultType: 'Device', // without it every registration is refused with 4.04
  types: [],
  logLevel: process.env.LWM2M_LOG_LEVEL || 'FATAL',
  ipProtocol: 'udp4',
  serverProtocol: 'udp4',
  formats: [
    { name: 'application/vnd.oma.lwm2m+tlv', value: 11542 },
    { name: 'application/vnd.oma.lwm2m+json', value: 11543 },
    { name: 'application/senml+json', value: 110 },
    { name: 'application/senml+cbor', value: 112 },
  ],
  writeFormat: 'text/plain',
};

function readDevice(endpoint) {
  lwm2m.getDevice(endpoint, (lookupError, device) => {
    if (lookupError) {
      say(`READ ep=${endpoint} error=${JSON.stringify(lookupError.name || String(lookupError))}`);
      return;
    }
    // An empty resource id reads the instance (undefined would become a path segment).
    lwm2m.read(device.id, '3', '0', '', (error, result) => {
      if (error) say(`READ ep=${endpoint} error=${JSON.stringify(`${error.name}: ${error.message}`)}`);
      else say(`READ ep=${endpoint} ok code=${result.code} format=${JSON.stringify(result.format)} hex=${result.hex}`);
      if (observeTemperature) observe(endpoint, device.id);
    });
  });
}

function observe(endpoint, deviceId) {
  const notified = (value, objectType, objectId, resourceId) =>
    say(`NOTIFY ep=${endpoint} path=/${objectType}/${objectId}/${resourceId} value=${value}`);
  lwm2m.observe(deviceId, '3303', '0', '5700', notified, (error, first) => {
    if (error) say(`OBSERVE ep=${endpoint} error=${JSON.stringify(`${error.name}: ${error.message}`)}`);
    else say(`OBSERVING ep=${endpoint} path=/3303/0/5700 value=${typeof first === 'object' ? first.text : first}`);
  });
}

lwm2m.start(config, (error, serverInfo) => {
  if (error) {
    say(`ERROR ${error.message || error}`);
    process.exit(1);
  }
  lwm2m.setHandler(serverInfo, 'registration', (endpoint, lifetime, version, binding, payload, callback) => {
    say(`REGISTERED ep=${endpoint} lt=${lifetime} lwm2m=${version} b=${binding} links=${JSON.stringify(payload)}`);
    callback();
    setTimeout(() => readDevice(endpoint), 100);
  });
  lwm2m.setHandler(serverInfo, 'updateRegistration', (device, payload, callback) => {
    say(`UPDATED ep=${device.name} lt=${device.lifetime}`);
    callback();
  });
  const unregistered = (reason) => (device, callback) => {
    say(`UNREGISTERED ep=${device.name} reason=${reason}`);
    callback();
  };
  lwm2m.setHandler(serverInfo, 'unregistration', unregistered('deregister'));
  // Setting that handler restarts the lifetime timer with no interval (every 1 ms): restart it.
  lwm2m.getRegistry().checkLifetime(config.lifetimeCheckInterval, unregistered('lifetime'));
  say(`READY ${port}`);
});

process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
