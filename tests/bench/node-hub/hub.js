// hub.js -- benchmark peer: a broadcast hub on Node.js with `ws`, written
// the way a team would write its first shop-floor hub.
//
// JSON text messages.  A client subscribes to topics by name and publishes
// to a topic; the hub broadcasts each publish to the topic's subscribers and
// keeps the last message of each topic, which a new subscriber gets at once
// (its "snapshot").  No authentication, no durability, no backpressure
// beyond what `ws` does: this is the baseline floorhub is compared with.
//
//   node hub.js --port PORT [--host 127.0.0.1]
//
// client -> hub  {"t":"sub","topics":["line/L1",...]}
//                {"t":"pub","topic":"line/L1","data":"..."}
// hub -> client  {"t":"ok","topics":[...]}         answer to sub
//                {"t":"upd","topic":"line/L1","data":"..."}
'use strict';

const { WebSocketServer } = require('ws');

function arg(name, def) {
  const i = process.argv.indexOf(name);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : def;
}

const host = arg('--host', '127.0.0.1');
const port = Number(arg('--port', '7700'));

const topics = new Map(); // topic name -> Set of sockets
const last = new Map();   // topic name -> last message sent on it (string)

function subscribers(name) {
  let set = topics.get(name);
  if (!set) {
    set = new Set();
    topics.set(name, set);
  }
  return set;
}

function onMessage(ws, raw) {
  let msg;
  try {
    msg = JSON.parse(raw);
  } catch (e) {
    ws.send(JSON.stringify({ t: 'err', msg: 'bad json' }));
    return;
  }
  if (msg.t === 'sub' && Array.isArray(msg.topics)) {
    for (const name of msg.topics) {
      subscribers(name).add(ws);
      ws.topics.add(name);
    }
    ws.send(JSON.stringify({ t: 'ok', topics: msg.topics }));
    for (const name of msg.topics) {
      if (last.has(name)) ws.send(last.get(name));
    }
  } else if (msg.t === 'pub' && typeof msg.topic === 'string') {
    const out = JSON.stringify({ t: 'upd', topic: msg.topic, data: msg.data });
    last.set(msg.topic, out);
    for (const peer of subscribers(msg.topic)) peer.send(out);
  } else {
    ws.send(JSON.stringify({ t: 'err', msg: 'unknown message' }));
  }
}

const wss = new WebSocketServer({ host, port, perMessageDeflate: false });

wss.on('connection', (ws) => {
  ws.topics = new Set();
  ws.on('message', (data) => onMessage(ws, data));
  ws.on('close', () => {
    for (const name of ws.topics) subscribers(name).delete(ws);
  });
  ws.on('error', () => {});
});

wss.on('listening', () => {
  console.error(`node-hub listening on ${host}:${wss.address().port}`);
});

// A restart drops every connection (the clients reconnect).
process.on('SIGTERM', () => process.exit(0));
