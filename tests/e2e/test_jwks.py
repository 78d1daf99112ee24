#!/usr/bin/python3
"""test_jwks -- the hub's keys from an identity provider's JWK Set.

Keys are generated in the test (python3-cryptography) and published as a
JWK Set file shaped like Keycloak's (an RS256 signing key beside an
RSA-OAEP key with use "enc") or Entra ID's (no alg, x5t, issuer members);
tokens are made with python3-jwt in those providers' shapes.  Checked: role
mapping through --jwt-role-claim (realm_access.roles, roles: the first
floorhub role wins), --jwt-user-claim and --jwt-lines-claim; rotation with
SIGHUP (old and new key together, then the old removed; a session opened
with the old key stays); unknown or missing kid (counted as unknown_kid);
an EC key's kid with alg RS256, HS256 keyed with the RSA key's PEM, alg
none; a 1024-bit RSA key and malformed sets refused at start (exit 2,
naming the problem) and at reload (logged, old keys kept).
"""
import asyncio
import base64
import json
import os
import time
import unittest
import uuid

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

import fhtest
from fhtest import Client, Hub, HubTest, hand_token

KC_ISS = "https://sso.plant.example/realms/plant"
TENANT = "6f1e7c2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b"
ENTRA_ISS = "https://login.microsoftonline.com/%s/v2.0" % TENANT
ENTRA_APP = "0b6d3c1e-9f8a-4b7c-a6d5-e4f3a2b1c0d9"


def rsa_key(bits=2048):
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def jwk(key, kid, **members):
    """The public JWK of a private key, with kid and extra members."""
    pub = key.public_key()
    algo = RSAAlgorithm if isinstance(key, rsa.RSAPrivateKey) else ECAlgorithm
    d = json.loads(algo.to_jwk(pub))
    if d.get("kty") == "EC":  # Debian's PyJWT drops leading zero bytes (RFC 7518
        for c in ("x", "y"):  # 6.2.1.2: the full 32 bytes for P-256): pad them back
            raw = base64.urlsafe_b64decode(d[c] + "=" * (-len(d[c]) % 4))
            d[c] = base64.urlsafe_b64encode(raw.rjust(32, b"\0")).rstrip(b"=").decode()
    d["kid"] = kid
    d.update(members)
    return d


def pem_public(key):
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)


RSA1, RSA2, RSA_ENC = rsa_key(), rsa_key(), rsa_key()
EC1 = ec.generate_private_key(ec.SECP256R1())


def keycloak_set(*signing):
    """A Keycloak-shaped set: the signing keys and an encryption key."""
    keys = [jwk(k, kid, use="sig", alg="RS256" if isinstance(k, rsa.RSAPrivateKey) else "ES256",
                x5t="bm90LWNoZWNrZWQ") for k, kid in signing]
    keys.append(jwk(RSA_ENC, "kc-enc", use="enc", alg="RSA-OAEP"))
    return {"keys": keys}


def keycloak_token(key, kid, roles, user="anna", lines=None, alg="RS256", ttl=300, **extra):
    now = int(time.time())
    claims = {
        "exp": now + ttl, "iat": now, "auth_time": now, "jti": str(uuid.uuid4()),
        "iss": KC_ISS, "aud": ["floorhub", "account"], "sub": str(uuid.uuid4()),
        "typ": "Bearer", "azp": "floorhub", "session_state": str(uuid.uuid4()),
        "acr": "1", "realm_access": {"roles": roles},
        "resource_access": {"account": {"roles": ["manage-account", "view-profile"]}},
        "scope": "openid profile email", "email_verified": True,
        "name": "Anna Schmidt", "preferred_username": user, "given_name": "Anna",
        "family_name": "Schmidt", "email": user + "@plant.example",
    }
    if lines is not None:
        claims["floorhub"] = {"lines": lines}
    claims.update(extra)
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid})


class JwksHub(Hub):
    def __init__(self, jwks, extra=(), **kw):
        super().__init__(key_args=[], **kw)
        self.jwks_file = self.write_file("jwks.json", json.dumps(jwks))
        self.key_args = ["--jwt-jwks-file", self.jwks_file] + list(extra)

    def publish(self, jwks):
        tmp = self.jwks_file + ".new"
        with open(tmp, "w") as f:
            f.write(jwks if isinstance(jwks, str) else json.dumps(jwks))
        os.replace(tmp, self.jwks_file)


KEYCLOAK_ARGS = ["--jwt-role-claim", "realm_access.roles", "--jwt-user-claim",
                 "preferred_username", "--jwt-lines-claim", "floorhub.lines",
                 "--jwt-issuer", KC_ISS, "--jwt-audience", "floorhub"]


class JwksTest(HubTest):
    jwks = None
    jwks_args = ()

    def setUp(self):
        self.hub = JwksHub(self.jwks, self.jwks_args).start()

    async def hello(self, token):
        c = await Client(self.hub).connect()
        return c, await c.request({"t": "hello", "token": token})

    async def refused(self, token, reason):
        _, reply = await self.hello(token)
        self.assertErr(reply, "unauthorized")
        self.assertIn(reason, reply.get("msg", ""))

class Keycloak(JwksTest):
    jwks = keycloak_set((RSA1, "kc-rs-1"), (EC1, "kc-ec-1"))
    jwks_args = KEYCLOAK_ARGS

    def test_role_mapping(self):
        async def run():
            _, w = await self.hello(keycloak_token(
                RSA1, "kc-rs-1", ["offline_access", "uma_authorization", "shift_manager",
                                  "operator"], lines=["L1"]))
            self.assertEqual(w["t"], "welcome", w)
            self.assertEqual((w["user"], w["role"], w["lines"]), ("anna", "shift_manager", ["L1"]))
            _, w = await self.hello(keycloak_token(EC1, "kc-ec-1", ["maintenance"], alg="ES256",
                                                   user="bert"))
            self.assertEqual((w["t"], w["user"], w["role"]), ("welcome", "bert", "maintenance"))
            await self.refused(keycloak_token(RSA1, "kc-rs-1", ["offline_access"]), "role")
            await self.refused(keycloak_token(RSA1, "kc-rs-1", ["operator"], iss="https://evil"),
                               "issuer")
            await self.refused(keycloak_token(RSA1, "kc-rs-1", ["operator"], aud="account"),
                               "audience")
            await self.refused(keycloak_token(RSA1, "kc-rs-1", ["operator"], ttl=-3600), "expired")
        self.run_async(run())

    def test_kid_and_alg(self):
        async def run():
            await self.refused(keycloak_token(RSA2, "kc-rs-2", ["operator"]), "unknown_kid")
            await self.refused(keycloak_token(RSA_ENC, "kc-enc", ["operator"]), "unknown_kid")
            no_kid = jwt.encode({"sub": "x", "role": "operator", "exp": int(time.time()) + 60,
                                 "iss": KC_ISS, "aud": "floorhub"}, RSA1, algorithm="RS256")
            await self.refused(no_kid, "unknown_kid")
            # The EC key's kid on an RS256 token (signed with an RSA key).
            await self.refused(keycloak_token(RSA1, "kc-ec-1", ["operator"]), "alg")
            # The RSA key's kid, ES256 signed by the EC key.
            await self.refused(keycloak_token(EC1, "kc-rs-1", ["operator"], alg="ES256"), "alg")
            # HS256 keyed with the RSA key's public PEM: key confusion.
            claims = {"sub": "x", "realm_access": {"roles": ["admin"]}, "iss": KC_ISS,
                      "aud": "floorhub", "preferred_username": "mallory",
                      "exp": int(time.time()) + 60}
            await self.refused(hand_token({"alg": "HS256", "typ": "JWT", "kid": "kc-rs-1"},
                                          claims, secret=pem_public(RSA1)), "alg")
            await self.refused(hand_token({"alg": "none", "kid": "kc-rs-1"}, claims, digest=None),
                               "alg")
        self.run_async(run())
        m = self.hub.metrics()
        self.assertEqual(m['floorhub_auth_failures_total{reason="unknown_kid"}'], 3)
        self.assertEqual(m['floorhub_auth_failures_total{reason="alg"}'], 4)

    def test_rotation(self):
        async def run():
            old, w = await self.hello(keycloak_token(RSA1, "kc-rs-1", ["operator"]))
            self.assertEqual(w["t"], "welcome")
            await self.refused(keycloak_token(RSA2, "kc-rs-2", ["operator"]), "unknown_kid")
            self.hub.publish(keycloak_set((RSA1, "kc-rs-1"), (RSA2, "kc-rs-2")))
            self.hub.sighup("SIGHUP: JWK Set %s reloaded: 2 key(s)" % self.hub.jwks_file)
            for key, kid in ((RSA1, "kc-rs-1"), (RSA2, "kc-rs-2")):
                _, w = await self.hello(keycloak_token(key, kid, ["operator"]))
                self.assertEqual(w["t"], "welcome", (kid, w))
            self.hub.publish(keycloak_set((RSA2, "kc-rs-2")))
            self.hub.sighup("SIGHUP: JWK Set %s reloaded: 1 key(s)" % self.hub.jwks_file)
            await self.refused(keycloak_token(RSA1, "kc-rs-1", ["operator"]), "unknown_kid")
            _, w = await self.hello(keycloak_token(RSA2, "kc-rs-2", ["operator"]))
            self.assertEqual(w["t"], "welcome")
            # A malformed set on reload: logged, the keys in force stay.
            self.hub.publish('{"keys": [{"kty": "RSA", "kid": "x", "n": "AQAB"}]}')
            self.hub.sighup("SIGHUP: JWK Set not reloaded, the old keys stay: %s: key 0 "
                        "(kid 'x'): 'e' is missing or not base64url" % self.hub.jwks_file)
            self.hub.publish("not json")
            self.hub.sighup("SIGHUP: JWK Set not reloaded, the old keys stay: %s:1: not JSON"
                        % self.hub.jwks_file)
            _, w = await self.hello(keycloak_token(RSA2, "kc-rs-2", ["operator"]))
            self.assertEqual(w["t"], "welcome")
            # The session opened with the removed key is still there.
            self.assertEqual((await old.request({"t": "ping"}))["t"], "pong")
        self.run_async(run())


def entra_set(*keys):
    return {"keys": [jwk(k, kid, use="sig", x5t=kid, issuer=ENTRA_ISS) for k, kid in keys]}


ROLE_MAP = {"Floor.Operators": "operator", "Plant.ShiftLead": "shift_manager"}


class EntraId(JwksTest):
    jwks = entra_set((RSA1, "nOo3ZDrODXEK1jKWhXslHR_KXEg"))
    jwks_args = ["--jwt-role-claim", "roles", "--jwt-user-claim", "preferred_username",
                 "--jwt-issuer", ENTRA_ISS, "--jwt-audience", ENTRA_APP]

    def setUp(self):
        super().setUp()
        self.hub.stop()
        self.hub.key_args += ["--jwt-role-map", self.hub.write_file("roles.json",
                                                                   json.dumps(ROLE_MAP))]
        self.hub.start()

    def token(self, roles, **extra):
        now = int(time.time())
        claims = {"aud": ENTRA_APP, "iss": ENTRA_ISS, "iat": now, "nbf": now,
                  "exp": now + 3600, "aio": "E2ZgYJgn", "azp": ENTRA_APP, "azpacr": "0",
                  "name": "Anna Schmidt", "oid": str(uuid.uuid4()),
                  "preferred_username": "anna@plant.example", "rh": "0.AQwA",
                  "roles": roles, "scp": "access_as_user", "sub": "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
                  "tid": TENANT, "uti": "fqiBqXLPj0eQa82S-IYFAA", "ver": "2.0"}
        claims.update(extra)
        return jwt.encode(claims, RSA1, algorithm="RS256",
                          headers={"kid": "nOo3ZDrODXEK1jKWhXslHR_KXEg",
                                   "x5t": "nOo3ZDrODXEK1jKWhXslHR_KXEg"})

    def test_roles_claim(self):
        async def run():
            _, w = await self.hello(self.token(["Plant.Reader", "quality", "admin"]))
            self.assertEqual((w["t"], w["user"], w["role"]),
                             ("welcome", "anna@plant.example", "quality"))
            await self.refused(self.token(["Plant.Reader"]), "role")
            # App role names of the tenant, mapped by --jwt-role-map.
            _, w = await self.hello(self.token(["Plant.Reader", "Floor.Operators", "admin"]))
            self.assertEqual((w["t"], w["role"]), ("welcome", "operator"))
            _, w = await self.hello(self.token(["Plant.ShiftLead"]))
            self.assertEqual((w["t"], w["role"]), ("welcome", "shift_manager"))
            await self.refused(self.token(["quality"], nbf=int(time.time()) + 600), "not_yet_valid")
        self.run_async(run())


class Refused(unittest.TestCase):
    def start_fails(self, jwks, want, extra=()):
        """The hub refuses to start with jwks: "floorhub: --jwt-jwks-file:
        <file>: <problem>" for a bad set."""
        hub = JwksHub(jwks, extra)
        if "jwks.json" in want:
            want = "floorhub: --jwt-jwks-file: " + hub.jwks_file + want.split("jwks.json", 1)[1]
        if isinstance(jwks, str):
            hub.publish(jwks)
        hub.start_fails(want)

    def test_weak_rsa_key(self):
        self.start_fails({"keys": [jwk(RSA1, "good", use="sig", alg="RS256"),
                                   jwk(rsa_key(1024), "weak", use="sig", alg="RS256")]},
                         "jwks.json: key 1 (kid 'weak'): RSA key of 1024 bits, at least 2048 "
                         "are required")

    def test_malformed_sets(self):
        p384 = ec.generate_private_key(ec.SECP384R1())
        good = jwk(RSA1, "k1")
        cases = [
            ("{", ":1: not JSON"),
            ({"kty": "RSA"}, ': not a JWK Set: no "keys" array'),
            ({"keys": []}, ': not a JWK Set: no "keys" array'),
            ({"keys": [jwk(RSA_ENC, "e", use="enc")]}, ": no key in the set verifies signatures"),
            ({"keys": [good, dict(good)]}, ": key 1 (kid 'k1'): kid is not unique in the set"),
            ({"keys": [{"kty": "oct", "kid": "h", "k": "c2VjcmV0"}]},
             ": key 0 (kid 'h'): holds private key material ('k')"),
            ({"keys": [dict(good, d="AQAB")]}, ": key 0 (kid 'k1'): holds private key material ('d')"),
            ({"keys": [jwk(p384, "p384")]}, ": key 0 (kid 'p384'): EC curve 'P-384' is not supported"),
            ({"keys": [jwk(EC1, "ec", alg="RS256")]},
             ": key 0 (kid 'ec'): alg 'RS256' is not what the hub verifies with a EC key (ES256)"),
            ({"keys": [jwk(RSA1, "ps", alg="PS256")]},
             ": key 0 (kid 'ps'): alg 'PS256' is not what the hub verifies with a RSA key"),
            ({"keys": [dict(jwk(EC1, "off"), y=jwk(EC1, "x")["x"])]},
             ": key 0 (kid 'off'): not a point on the P-256 curve"),
            ({"keys": [dict(good, kid=None)]}, ": key 0: 'kid' is missing"),
            ({"keys": [dict(good, use="wrap")]},
             ": key 0 (kid 'k1'): use 'wrap' is neither sig nor enc"),
        ]
        for jwks, want in cases:
            with self.subTest(want=want):
                self.start_fails(jwks if isinstance(jwks, str) else json.dumps(jwks),
                                 "/jwks.json%s" % want)

    def test_options(self):
        jwks = keycloak_set((RSA1, "k"))
        self.start_fails(jwks, "--jwt-alg: not with --jwt-jwks-file", ["--jwt-alg", "RS256"])
        self.start_fails(jwks, "--jwt-key-file or --jwt-jwks-file: exactly one",
                         ["--jwt-key-file", "/dev/null"])
        self.start_fails(jwks, "--jwt-role-claim: 'realm_access..roles' is not a dotted "
                         "claim path", ["--jwt-role-claim", "realm_access..roles"])
        tmp = fhtest.tempfile.mkdtemp(prefix="fh-e2e-")
        self.addCleanup(fhtest.shutil.rmtree, tmp, True)
        bad_map = os.path.join(tmp, "roles.json")
        with open(bad_map, "w") as f:
            json.dump({"Plant.Boss": "overlord"}, f)
        self.start_fails(jwks, "--jwt-role-map: %s: 'Plant.Boss': the value is not a floorhub "
                         "role" % bad_map, ["--jwt-role-map", bad_map])


if __name__ == "__main__":
    fhtest.main()
