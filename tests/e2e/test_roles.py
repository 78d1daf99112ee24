#!/usr/bin/python3
"""test_roles -- the role table of PROTOCOL.md 2.2, action by action, for
every role, and the `lines` claim.

Each action is tried by one user of every role; the roles the table allows
must get `ok`, all others `err forbidden`, and a refused request must change
nothing: the andons and equipment are read back afterwards.  Acknowledging
an escalated andon runs on a plant whose escalation steps come after 1 and
2 seconds.
"""

import fhtest
from fhtest import HubTest, load_plant

ROLES = ("viewer", "operator", "maintenance", "quality", "engineer",
         "shift_manager", "production_manager", "admin", "gateway")
MANAGERS = {"shift_manager", "production_manager", "admin"}
RESPONDERS = {"maintenance", "quality", "engineer"} | MANAGERS
MAY = {
    "andon.raise": set(ROLES) - {"viewer"},
    "andon.ack": RESPONDERS,            # while the level is 0
    "andon.ack escalated": MANAGERS,    # level >= 1
    "andon.resolve": RESPONDERS,
    "andon.cancel": MANAGERS,           # of an andon someone else raised
    "eq.state": {"gateway", "admin"},
    "eq.count": {"gateway", "admin"},
}
RAISE = {"line": "L1", "kind": "maintenance"}


class RoleTest(HubTest):
    async def raise_andons(self, n, line="L1", sub="raiser1"):
        """n andons raised by an operator; their ids."""
        c = await self.client("operator", sub=sub)
        ids = []
        for _ in range(n):
            r = self.assertOk(await c.write("andon.raise", line=line, kind="maintenance"))
            ids.append(r["andon"]["id"])
        return ids

    async def andons(self):
        """The andon topic's snapshot as {id: andon}."""
        c = await self.client("viewer", sub="reader")
        snap = await c.snapshot("andon")
        await c.close()
        return {a["id"]: a for a in snap["data"]["andons"]}

    def check_reply(self, reply, role, action):
        if role in MAY[action]:
            self.assertOk(reply)
        else:
            self.assertErr(reply, "forbidden")

    async def each_role(self, action, fields_of):
        """Every role sends action with fields_of(i, role); checks ok or
        forbidden; returns {role: reply}."""
        replies = {}
        for i, role in enumerate(ROLES):
            c = await self.client(role)
            replies[role] = await c.write(action.split()[0], **fields_of(i, role))
            with self.subTest(role=role, action=action):
                self.check_reply(replies[role], role, action)
            await c.close()
        return replies


class Roles(RoleTest):
    def test_read_requests_every_role(self):
        async def run():
            for role in ROLES:
                c = await self.client(role)
                self.assertOk(await c.sub("plant", "andon", "line/L1", "oee/L1"))
                self.assertOk(await c.request({"t": "unsub", "topics": ["oee/L1"]}))
                self.assertEqual((await c.request({"t": "ping"}))["t"], "pong")
                # no shift has closed yet: not_found, not forbidden
                self.assertErr(await c.request({"t": "shift.report", "line": "L1"}), "not_found")
                await c.close()
        self.run_async(run())

    def test_raise(self):
        async def run():
            await self.each_role("andon.raise", lambda i, role: RAISE)
            raised_by = sorted(a["raised_by"] for a in (await self.andons()).values())
            self.assertEqual(raised_by, sorted(r + "1" for r in MAY["andon.raise"]))
        self.run_async(run())

    def test_ack_at_level_0(self):
        async def run():
            ids = await self.raise_andons(len(ROLES))
            await self.each_role("andon.ack", lambda i, role: {"andon": ids[i]})
            now = await self.andons()
            for i, role in enumerate(ROLES):
                a = now[ids[i]]
                self.assertEqual(a["level"], 0)
                if role in MAY["andon.ack"]:
                    self.assertEqual((a["state"], a["acked_by"]), ("acknowledged", role + "1"))
                else:
                    self.assertEqual((a["state"], a["acked_by"]), ("raised", None), role)
        self.run_async(run())

    def test_resolve(self):
        async def run():
            ids = await self.raise_andons(len(ROLES))
            await self.each_role("andon.resolve",
                                 lambda i, role: {"andon": ids[i], "reason": "mechanical"})
            now = await self.andons()
            for i, role in enumerate(ROLES):
                want = "resolved" if role in MAY["andon.resolve"] else "raised"
                self.assertEqual(now[ids[i]]["state"], want, role)
        self.run_async(run())

    def test_cancel_of_another_users_andon(self):
        async def run():
            ids = await self.raise_andons(len(ROLES))
            replies = await self.each_role("andon.cancel", lambda i, role: {"andon": ids[i]})
            self.assertIn("raised", replies["operator"]["msg"])  # may cancel only its own
            now = await self.andons()
            for i, role in enumerate(ROLES):
                want = "cancelled" if role in MAY["andon.cancel"] else "raised"
                self.assertEqual(now[ids[i]]["state"], want, role)
            # another operator, not the raiser
            other = await self.client("operator", sub="op-other")
            self.assertErr(await other.write("andon.cancel", andon=ids[1]), "forbidden")
            self.assertEqual((await self.andons())[ids[1]]["state"], "raised")
        self.run_async(run())

    def test_cancel_by_raiser_every_role(self):
        async def run():
            for role in sorted(MAY["andon.raise"]):
                c = await self.client(role)
                a = self.assertOk(await c.write("andon.raise", **RAISE))["andon"]
                r = self.assertOk(await c.write("andon.cancel", andon=a["id"]))
                self.assertEqual((r["andon"]["state"], r["andon"]["resolved_by"]),
                                 ("cancelled", role + "1"))
                await c.close()
        self.run_async(run())

    def test_equipment_writes(self):
        async def run():
            before = await self.equipment("L1-PRESS1")
            await self.each_role("eq.state",
                                 lambda i, role: {"equipment": "L1-PRESS1", "state": "running"})
            await self.each_role("eq.count",
                                 lambda i, role: {"equipment": "L1-PRESS1", "good": 1, "reject": 0})
            after = await self.equipment("L1-PRESS1")
            self.assertEqual(before["state"], "unknown")
            self.assertEqual(after["state"], "running")
            self.assertEqual(after["good"], len(MAY["eq.count"]))  # only the allowed counted
        self.run_async(run())

    async def equipment(self, eq_id):
        c = await self.client("viewer", sub="reader")
        snap = await c.snapshot("line/L1")
        await c.close()
        return next(e for e in snap["data"]["equipment"] if e["id"] == eq_id)


class LinesClaim(RoleTest):
    def test_lines_restrict_writes(self):
        async def run():
            l1, l2 = (await self.raise_andons(3, "L1")), (await self.raise_andons(3, "L2"))
            op = await self.client("operator", lines=["L1"])
            self.assertEqual(op.welcome["lines"], ["L1"])
            self.assertOk(await op.write("andon.raise", line="L1", kind="help"))
            self.assertErr(await op.write("andon.raise", line="L2", kind="help"), "forbidden")
            self.assertOk(await op.sub("line/L2"))  # reading is not restricted

            mt = await self.client("maintenance", lines=["L1"])
            self.assertErr(await mt.write("andon.ack", andon=l2[0]), "forbidden")
            self.assertErr(await mt.write("andon.resolve", andon=l2[0], reason="other"),
                           "forbidden")
            self.assertOk(await mt.write("andon.ack", andon=l1[0]))

            sm = await self.client("shift_manager", lines=["L2"])
            self.assertErr(await sm.write("andon.cancel", andon=l1[1]), "forbidden")
            self.assertOk(await sm.write("andon.cancel", andon=l2[1]))

            gw = await self.client("gateway", lines=["L1"])
            self.assertErr(await gw.write("eq.state", equipment="L2-WELD1", state="down"),
                           "forbidden")
            self.assertErr(await gw.write("eq.count", equipment="L2-WELD1", good=5, reject=0),
                           "forbidden")
            self.assertOk(await gw.write("eq.state", equipment="L1-PRESS1", state="down"))

            admin = await self.client("admin", lines=["L1"])  # never restricted
            self.assertOk(await admin.write("andon.raise", line="L2", kind="help"))
            self.assertOk(await admin.write("andon.resolve", andon=l2[2], reason="other"))
            self.assertOk(await admin.write("eq.state", equipment="L2-WELD1", state="idle"))

            now = await self.andons()
            self.assertEqual(now[l2[0]]["state"], "raised")
            self.assertEqual(now[l1[1]]["state"], "raised")
            self.assertEqual(now[l1[0]]["state"], "acknowledged")
            self.assertEqual(now[l2[1]]["state"], "cancelled")
            self.assertEqual(now[l2[2]]["state"], "resolved")
            self.assertEqual(sum(a["line"] == "L2" and a["raised_by"] == "operator1"
                                 for a in now.values()), 0)
            snap = await admin.snapshot("line/L2")
            weld = next(e for e in snap["data"]["equipment"] if e["id"] == "L2-WELD1")
            self.assertEqual((weld["state"], weld["good"]), ("idle", 0))
        self.run_async(run())


def fast_escalation_plant():
    plant = load_plant()
    plant["escalation"] = [{"after_s": 1, "role": "shift_manager"},
                           {"after_s": 2, "role": "production_manager"}]
    return plant


class EscalatedAck(RoleTest):
    plant_data = fast_escalation_plant()

    def test_ack_once_escalated(self):
        async def run():
            watcher = await self.client("viewer", sub="watcher")
            await watcher.snapshot("andon")
            ids = await self.raise_andons(len(ROLES) + 1)
            escalated = set()
            while escalated != set(ids):  # the hub publishes each level change
                m = await watcher.next(timeout=4, pred=lambda m: m["t"] == "upd")
                if m["data"]["andon"]["level"] >= 1:
                    escalated.add(m["data"]["andon"]["id"])
            replies = await self.each_role("andon.ack escalated",
                                           lambda i, role: {"andon": ids[i]})
            self.assertIn("escalated", replies["maintenance"]["msg"])
            now = await self.andons()
            for i, role in enumerate(ROLES):
                want = "acknowledged" if role in MANAGERS else "raised"
                self.assertEqual(now[ids[i]]["state"], want, role)
            # resolving is not limited by the level
            mt = await self.client("maintenance")
            self.assertOk(await mt.write("andon.resolve", andon=ids[-1], reason="tooling"))
        self.run_async(run())


if __name__ == "__main__":
    fhtest.main()
