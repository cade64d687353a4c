// Real peers for the end-to-end tests, on free ports of 127.0.0.1, stopped by their own PID.
import { spawn, spawnSync } from 'node:child_process';
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
  return startTcpPeer(dir, 'mosquitto', ['-c', config], port);
}

/** Starts `program args` logging into `dir`, waits until it listens on TCP `port`.
 * Returns { port, stop }; stop sends SIGTERM to its own PID. */
async function startTcpPeer(dir, program, args, port) {
  const log = path.join(dir, `${program}-${port}.log`);
  const out = fs.openSync(log, 'w');
  const child = spawn(program, args, { stdio: ['ignore', out, out] });
  await waitForTcp(port, child, program).catch((e) => {
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

/** The Python test peers' venv, where scripts/setup.sh test puts it. */
export function peersVenv() {
  if (process.env.LOOPSTUDIO_PEERS_VENV) return process.env.LOOPSTUDIO_PEERS_VENV;
  const cache = process.env.XDG_CACHE_HOME ?? path.join(process.env.HOME ?? '/root', '.cache');
  return path.join(cache, 'loop-studio', 'peers-venv');
}

function run(program, args, cwd) {
  const result = spawnSync(program, args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${program} ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/**
 * goosebit (a hawkBit DDI server) behind nginx with `ssl_verify_client on`, and the PEM a
 * device needs: { url, serverCa, clientCert, clientKey, stop }.
 */
export async function ddiBehindClientCertTls(dir) {
  const home = path.join(dir, 'ota');
  fs.mkdirSync(path.join(home, 'nginx'), { recursive: true });
  const ssl = (args) => run('openssl', args, home);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  ssl(['req', '-x509', ...ec, '-keyout', 'server-ca.key', '-out', 'server-ca.pem', '-days', '2', '-subj', '/CN=e2e server CA']);
  ssl(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost']);
  fs.writeFileSync(path.join(home, 'san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  ssl(['x509', '-req', '-in', 'server.csr', '-CA', 'server-ca.pem', '-CAkey', 'server-ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'san.ext', '-out', 'server.pem']);
  ssl(['req', '-x509', ...ec, '-keyout', 'client-ca.key', '-out', 'client-ca.pem', '-days', '2', '-subj', '/CN=e2e client CA']);
  ssl(['req', ...ec, '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=valve-9']);
  ssl(['x509', '-req', '-in', 'client.csr', '-CA', 'client-ca.pem', '-CAkey', 'client-ca.key', '-CAcreateserial', '-days', '2', '-out', 'client.pem']);

  const venv = peersVenv();
  const python = path.join(venv, 'bin', 'python');
  const pkg = run(python, ['-c', 'import goosebit, os; print(os.path.dirname(goosebit.__file__))'], home).trim().split('\n').pop();
  fs.writeFileSync(path.join(home, 'goosebit.yaml'), `db_uri: sqlite:///${home}/db.sqlite3\nartifacts_dir: ${home}/artifacts\npoll_time: "00:00:30"\n`);
  fs.writeFileSync(path.join(home, 'pyproject.toml'), `[tool.aerich]\ntortoise_orm = "goosebit.db.config.TORTOISE_CONF"\nlocation = "${pkg}/db/migrations"\nsrc_folder = "./."\n`);
  run(path.join(venv, 'bin', 'aerich'), ['upgrade'], home);
  const ddiPort = await freePort();
  const ddiLog = fs.openSync(path.join(home, 'goosebit.log'), 'w');
  const ddi = spawn(path.join(venv, 'bin', 'uvicorn'), ['goosebit:app', '--host', '127.0.0.1', '--port', String(ddiPort)], { cwd: home, stdio: ['ignore', ddiLog, ddiLog] });
  await waitForTcp(ddiPort, ddi, 'goosebit', 30000);

  const port = await freePort();
  const n = path.join(home, 'nginx');
  fs.writeFileSync(
    path.join(n, 'nginx.conf'),
    `daemon off;\nmaster_process off;\npid ${n}/nginx.pid;\nerror_log stderr;\nevents {}\nhttp {\n access_log off;\n client_body_temp_path ${n}/body;\n proxy_temp_path ${n}/proxy;\n fastcgi_temp_path ${n}/fastcgi;\n uwsgi_temp_path ${n}/uwsgi;\n scgi_temp_path ${n}/scgi;\n server {\n  listen 127.0.0.1:${port} ssl;\n  ssl_certificate ${home}/server.pem;\n  ssl_certificate_key ${home}/server.key;\n  ssl_client_certificate ${home}/client-ca.pem;\n  ssl_verify_client on;\n  ssl_protocols TLSv1.2 TLSv1.3;\n  location / { proxy_pass http://127.0.0.1:${ddiPort}; proxy_set_header Host $http_host; proxy_set_header X-Forwarded-Proto $scheme; }\n }\n}\n`,
  );
  const nginxLog = fs.openSync(path.join(n, 'nginx.log'), 'w');
  const nginx = spawn('nginx', ['-c', path.join(n, 'nginx.conf'), '-p', n], { stdio: ['ignore', nginxLog, nginxLog] });
  await waitForTcp(port, nginx, 'nginx');
  const read = (name) => fs.readFileSync(path.join(home, name), 'utf8');
  const stop = async () => {
    for (const child of [nginx, ddi]) {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await Promise.race([once(child, 'exit'), sleep(3000)]);
      }
    }
  };
  return { url: `https://localhost:${port}/DEFAULT`, serverCa: read('server-ca.pem'), clientCert: read('client.pem'), clientKey: read('client.key'), stop };
}

/** tinyproxy on a free port of 127.0.0.1, every CONNECT port allowed. Returns { port, stop }. */
export async function tinyproxy(dir) {
  const port = await freePort();
  const config = path.join(dir, `tinyproxy-${port}.conf`);
  fs.writeFileSync(
    config,
    `Port ${port}\nListen 127.0.0.1\nAllow 127.0.0.1\nUser nobody\nGroup nogroup\nTimeout 10\nMaxClients 20\nLogLevel Info\n`,
  );
  return startTcpPeer(dir, 'tinyproxy', ['-d', '-c', config], port);
}
