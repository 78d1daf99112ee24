// edge.js -- a Sparkplug B edge node made of the npm sparkplug-client
// package (Cirrus Link's), for floorgw's tests: an implementation of the
// edge side that shares nothing with ours.
//
//   node edge.js mqtt://127.0.0.1:PORT GROUP NODE
//
// Design: the test drives it through stdin, one JSON command a line, and
// reads its stdout, one line per event.  On connect it prints "connected"
// (its Will, an NDEATH with its bdSeq, is set by the package); commands:
//   {"op": "nbirth", "metrics": [...]}             publishNodeBirth
//   {"op": "dbirth", "device": D, "metrics": [...]} publishDeviceBirth
//   {"op": "ddata", "device": D, "metrics": [...]}  publishDeviceData
//   {"op": "skip"}   uses up one seq without publishing (a lost message)
// Metrics are the package's own: {name?, alias?, type, value}.  Each
// command is answered "ok OP" once handed to the MQTT client; a rebirth
// command from the host prints "ncmd NAME=VALUE".
"use strict";
const readline = require("readline");
const sparkplug = require("sparkplug-client");

const [url, groupId, edgeNode] = process.argv.slice(2);
const client = sparkplug.newClient({
  serverUrl: url, groupId, edgeNode, clientId: "npm-edge-" + process.pid,
  username: "", password: "", version: "spBv1.0",
});

client.on("birth", () => console.log("connected"));
client.on("ncmd", (payload) => {
  for (const m of payload.metrics || []) console.log("ncmd " + m.name + "=" + m.value);
});
client.on("error", (e) => console.log("error " + e.message));

function run(cmd) {
  const payload = { timestamp: Date.now(), metrics: cmd.metrics || [] };
  switch (cmd.op) {
    case "nbirth": client.publishNodeBirth(payload); break;
    case "dbirth": client.publishDeviceBirth(cmd.device, payload); break;
    case "ddata": client.publishDeviceData(cmd.device, payload); break;
    case "skip": client.incrementSeqNum(); break;
    default: throw new Error("unknown op " + cmd.op);
  }
  console.log("ok " + cmd.op);
}

readline.createInterface({ input: process.stdin }).on("line", (line) => {
  if (line.trim()) run(JSON.parse(line));
});
