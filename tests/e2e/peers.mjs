// Real peers for the end-to-end tests, on free ports of 127.0.0.1, stopped by their own PID.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export async function freePort() {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

/** Waits until `port` accepts TCP connections; fails early if `child` exits. */
export async function waitForTcp(port, child, what, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    const ok = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`${what} did not listen on ${port} within ${timeoutMs} ms`);
}

/** Mosquitto with one anonymous plain listener (on `port`, else a free one). Returns { port, stop }. */
export async function mosquitto(dir, port = null) {
  port ??= await freePort();
  const config = path.join(dir, `mosquitto-${port}.conf`);
  fs.writeFileSync(config, `user root\nlog_dest stderr\nlistener ${port} 127.0.0.1\nallow_anonymous true\n`);
  const log = path.join(dir, `mosquitto-${port}.log`);
  const out = fs.openSync(log, 'w');
  const child = spawn('mosquitto', ['-c', config], { stdio: ['ignore', out, out] });
  await waitForTcp(port, child, 'mosquitto').catch((e) => {
    throw new Error(`${e.message}: ${fs.readFileSync(log, 'utf8')}`);
  });
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await Promise.race([once(child, 'exit'), sleep(3000)]);
    }
  };
  return { port, stop };
}

/** A free UDP port on 127.0.0.1. */
export async function freeUdpPort() {
  const dgram = await import('node:dgram');
  const socket = dgram.createSocket('udp4');
  await new Promise((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise((resolve) => socket.close(resolve));
  return port;
}

/** The lwm2m-node-lib server of tests/peers (it reads /3/0 after each registration). */
export async function lwm2mServer(dir) {
  const port = await freeUdpPort();
  const script = path.resolve(import.meta.dirname, '../peers/lwm2m-server.js');
  const log = path.join(dir, 'lwm2m-server.log');
  const out = fs.openSync(log, 'w');
  const child = spawn('node', [script, String(port)], { stdio: ['ignore', out, out] });
  const deadline = Date.now() + 15000;
  while (!fs.readFileSync(log, 'utf8').includes('READY')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`lwm2m-node-lib did not start: ${fs.readFileSync(log, 'utf8')}`);
    }
    await sleep(50);
  }
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await Promise.race([once(child, 'exit'), sleep(3000)]);
    }
  };
  return { port, stop, log: () => fs.readFileSync(log, 'utf8') };
}
