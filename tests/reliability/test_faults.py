"""Faults of the peers: a client that vanishes without closing, and more
clients than --max-connections.

A vanished peer (its process stopped with SIGSTOP: the kernel keeps the TCP
connection, nobody answers the hub's pings) is pinged after --idle-ping-s
and dropped after --idle-hangup-s without an answer, so its session and
queue are freed; an idle client that is alive answers the pings and stays.
Past --max-connections new upgrades are refused while the open sessions
keep working.
"""
import asyncio
import os
import signal
import subprocess
import sys
import time

import websockets

from relcommon import Client, RelTest, make_token

IDLE_PING_S = 2
IDLE_HANGUP_S = 5
SLACK_S = 3.0  # the detection is up to a ping interval late; a loaded machine

# A client in its own process: connects, authenticates, says "ready" and
# then only answers the hub's pings (the websockets library does that).
PEER = r"""
import asyncio, sys, msgpack, websockets
async def main(url, token):
    async with websockets.connect(url, subprotocols=["floorhub.v1"], ping_interval=None) as ws:
        await ws.send(msgpack.packb({"t": "hello", "id": 1, "token": token}))
        await ws.recv()
        print("ready", flush=True)
        await ws.wait_closed()
asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


class VanishedPeer(RelTest):
    hub_args = ("--idle-ping-s", str(IDLE_PING_S), "--idle-hangup-s", str(IDLE_HANGUP_S))

    def connections(self):
        return self.hub.metrics()["floorhub_connections"]

    def spawn_peer(self):
        proc = subprocess.Popen([sys.executable, "-c", PEER, self.hub.url,
                                 make_token(sub="vanishing", role="viewer")],
                                stdout=subprocess.PIPE, text=True)
        self.assertEqual(proc.stdout.readline().strip(), "ready")
        return proc

    async def wait_connections(self, n, timeout):
        t0 = time.monotonic()
        while self.connections() != n:
            if time.monotonic() - t0 > timeout:
                return None
            await asyncio.sleep(0.1)
        return time.monotonic() - t0

    def test_vanished_peer_freed(self):
        peer = self.spawn_peer()
        try:
            async def run():
                alive = await self.client("viewer", sub="alive")  # idle, but answers pings
                self.assertEqual(self.connections(), 2)
                os.kill(peer.pid, signal.SIGSTOP)
                took = await self.wait_connections(1, IDLE_HANGUP_S + SLACK_S)
                self.assertIsNotNone(took, "the stopped peer was not dropped within %d s"
                                     % (IDLE_HANGUP_S + SLACK_S))
                print("vanished peer freed %.1f s after it stopped (idle ping %d s, hang-up %d s)"
                      % (took, IDLE_PING_S, IDLE_HANGUP_S))
                # The live idle client outlived several ping intervals.
                await asyncio.sleep(max(0.0, IDLE_HANGUP_S + 1 - took))
                self.assertEqual((await alive.request({"t": "ping"}))["t"], "pong")
                self.assertEqual(self.connections(), 1)
                await alive.close()
            self.run_async(run())
        finally:
            os.kill(peer.pid, signal.SIGCONT)
            peer.kill()
            peer.wait()
            peer.stdout.close()
        self.stop_clean()


class ConnectionLimit(RelTest):
    LIMIT = 20
    hub_args = ("--max-connections", str(LIMIT))

    def test_limit_refuses_new_upgrades_only(self):
        async def run():
            clients = [await self.client("viewer", sub="v%d" % i) for i in range(self.LIMIT)]
            for _ in range(3):
                with self.assertRaises(websockets.exceptions.InvalidHandshake):
                    await Client(self.hub).connect(token=make_token(role="viewer"))
            for c in clients:  # the open sessions are served as before
                self.assertEqual((await c.request({"t": "ping"}))["t"], "pong")
                self.assertEqual((await c.sub("andon"))["t"], "ok")
            m = self.hub.metrics()
            self.assertEqual(m["floorhub_connections"], self.LIMIT)
            self.assertGreaterEqual(m["floorhub_sessions_refused_total"], 3)
            await clients.pop().close()
            t0 = time.monotonic()
            while self.hub.metrics()["floorhub_connections"] >= self.LIMIT:
                self.assertLess(time.monotonic() - t0, 5, "the closed session was not freed")
                await asyncio.sleep(0.05)
            again = await self.client("viewer", sub="again")  # a freed slot is usable
            self.assertEqual((await again.request({"t": "ping"}))["t"], "pong")
        self.run_async(run())
        self.stop_clean()


if __name__ == "__main__":
    import fhtest
    fhtest.main()
