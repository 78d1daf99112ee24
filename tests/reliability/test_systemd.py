"""systemd: the installed tree, the units, and the sd_notify protocol.

`cmake --install` into a temporary prefix must give the binaries, the
dashboard (when the build bundles it), the sample plant, the units and the
sample configuration (also with its TLS lines uncommented, the installed
hub serving https); `systemd-analyze verify` must be clean for the units
(with ExecStart pointing into that prefix, as verify needs the binary) and
`systemd-analyze security --offline=yes` must score floorhub.service at
2.0 or lower, also with its TLS lines (LoadCredential=) in force.  The watchdog test runs floorhub with NOTIFY_SOCKET on a
datagram socket of its own and WATCHDOG_USEC=1 s: READY=1 comes only once
the port accepts connections, WATCHDOG=1 comes every half period, stops
while the hub is stopped (SIGSTOP) and resumes after SIGCONT, and SIGTERM
sends STOPPING=1.

Environment (set by ctest): FH_BUILD_DIR, the build to install.
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

from relcommon import Hub, RelTest, SOURCE_DIR, sanitizer_reports
from tlstest import TestCA

BUILD_DIR = os.environ.get("FH_BUILD_DIR", "")
UNITS = os.path.join(SOURCE_DIR, "systemd")
EXPOSURE_MAX = 2.0


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, **kw)


def cache_value(name):
    """A setting of the build's CMakeCache.txt, or None."""
    with open(os.path.join(BUILD_DIR, "CMakeCache.txt")) as f:
        for line in f:
            if line.startswith(name + ":"):
                return line.split("=", 1)[1].strip()
    return None


class Installed(unittest.TestCase):
    """One `cmake --install` for the class; the tests look at its tree."""

    @classmethod
    def setUpClass(cls):
        if not os.path.isfile(os.path.join(BUILD_DIR, "CMakeCache.txt")):
            raise AssertionError("FH_BUILD_DIR=%r is not a build directory" % BUILD_DIR)
        cls.prefix = tempfile.mkdtemp(prefix="fh-install-")
        out = run(["cmake", "--install", BUILD_DIR, "--prefix", cls.prefix])
        if out.returncode != 0:
            shutil.rmtree(cls.prefix, ignore_errors=True)
            raise AssertionError("cmake --install failed:\n" + out.stdout + out.stderr)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.prefix, ignore_errors=True)

    def path(self, *parts):
        return os.path.join(self.prefix, *parts)

    def unit_copy(self, unit, name, binary, tls=False):
        """The unit with ExecStart's /usr/local/bin/X rewritten into the
        prefix, saved as name in a fresh directory; returns its path.
        tls: with the unit's commented TLS lines (LoadCredential=) in force."""
        with open(os.path.join(UNITS, unit)) as f:
            text = f.read()
        if tls:
            self.assertIn("#LoadCredential=tls.key:", text)
            text = text.replace("#LoadCredential=", "LoadCredential=")
        self.assertIn("ExecStart=/usr/local/bin/%s " % binary, text)
        text = text.replace("ExecStart=/usr/local/bin/", "ExecStart=%s/" % self.path("bin"))
        unit_dir = tempfile.mkdtemp(prefix="fh-unit-", dir=self.prefix)
        path = os.path.join(unit_dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_tree(self):
        binaries = ["floorhub", "floorctl", "floorterm"]
        if os.path.exists(os.path.join(BUILD_DIR, "hub", "floorsim")):
            binaries.append("floorsim")
        for b in binaries:
            exe = self.path("bin", b)
            self.assertTrue(os.access(exe, os.X_OK), "bin/%s installed and executable" % b)
        out = run([self.path("bin", "floorhub"), "--version"])
        self.assertEqual(out.returncode, 0, out.stderr)
        files = ["lib/systemd/system/floorhub.service", "lib/systemd/system/floorterm@.service",
                 "etc/floorhub/floorhub.conf.sample", "share/floorhub/plants/sample.json"]
        if cache_value("FH_WEB") in ("ON", "TRUE", "1"):
            files += ["share/floorhub/web/" + f for f in ("index.html", "app.js", "style.css")]
        for rel in files:
            self.assertTrue(os.path.isfile(self.path(rel)), rel + " installed")
        for unit in ("floorhub.service", "floorterm@.service"):
            with open(os.path.join(UNITS, unit)) as a, \
                    open(self.path("lib/systemd/system", unit)) as b:
                self.assertEqual(a.read(), b.read(), unit + " installed unchanged")

    def installed_hub(self, config, tls=None):
        """A Hub running the installed floorhub with --config config."""
        installed = self.path("bin", "floorhub")

        class InstalledHub(Hub):
            def command(self):
                return [installed] + Hub.command(self)[1:]

        return InstalledHub(args=["--config", config, "--web-root",
                                  self.path("share/floorhub/web")], tls=tls)

    def test_sample_config_starts_the_installed_hub(self):
        """Every setting of the sample configuration is valid: the installed
        hub starts with it (paths of this machine given on the command line,
        which wins over the file)."""
        hub = self.installed_hub(self.path("etc/floorhub/floorhub.conf.sample"))
        try:
            hub.start()
            status, _, _ = hub.http_get("/healthz")
            self.assertEqual(status, 200)
            self.assertEqual(hub.stop(), 0)
        finally:
            hub.cleanup()

    def test_sample_config_with_tls(self):
        """The sample's commented TLS lines are valid settings: uncommented,
        the installed hub starts with them and serves https with HSTS and
        plain HTTP beside it (this machine's certificate, port and paths on
        the command line, which wins over the credential paths)."""
        with open(self.path("etc/floorhub/floorhub.conf.sample")) as f:
            text = f.read()
        for key in ("tls-cert", "tls-key", "listen-plain", "hsts-max-age"):
            self.assertIn("\n# %s = " % key, text)
            text = text.replace("\n# %s = " % key, "\n%s = " % key)
        conf = self.path("etc/floorhub/floorhub-tls.conf")
        with open(conf, "w") as f:
            f.write(text)
        ca = TestCA()
        hub = self.installed_hub(conf, tls=ca.issue() + (ca.cert,))
        try:
            hub.start()
            status, _, _, headers = hub.http_get("/healthz", want_headers=True)
            self.assertEqual(status, 200)
            self.assertEqual(headers.get("strict-transport-security"), "max-age=31536000")
            self.assertEqual(hub.http_get("/healthz", plain=True)[0], 200)
            self.assertEqual(hub.stop(), 0)
        finally:
            hub.cleanup()

    def test_verify_units(self):
        for unit, name, binary in (("floorhub.service", "floorhub.service", "floorhub"),
                                   ("floorterm@.service", "floorterm@tty9.service", "floorterm")):
            path = self.unit_copy(unit, name, binary)
            out = run(["systemd-analyze", "verify", path])
            mine = [line for line in (out.stdout + out.stderr).splitlines()
                    if name.split("@")[0] in line or "floorhub" in line or "floorterm" in line]
            self.assertEqual(mine, [], "systemd-analyze verify %s" % unit)
            self.assertEqual(out.returncode, 0, out.stdout + out.stderr)

    def test_security_exposure(self):
        for tls in (False, True):
            path = self.unit_copy("floorhub.service", "floorhub.service", "floorhub", tls=tls)
            if tls:
                out = run(["systemd-analyze", "verify", path])
                self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
            out = run(["systemd-analyze", "security", "--offline=yes", "--no-pager", path])
            m = re.search(r"Overall exposure level for floorhub\.service: ([0-9.]+)", out.stdout)
            self.assertIsNotNone(m, out.stdout + out.stderr)
            score = float(m.group(1))
            print("systemd-analyze security: floorhub.service%s exposure %.1f"
                  % (" with TLS" if tls else "", score))
            self.assertLessEqual(score, EXPOSURE_MAX)


class Watchdog(RelTest):
    """floorhub under a fake systemd: our datagram socket is NOTIFY_SOCKET."""

    def setUp(self):
        self.hub = Hub()
        self.sock_path = os.path.join(self.hub.tmp, "notify.sock")
        self.notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.notify.bind(self.sock_path)

    def tearDown(self):
        self.notify.close()
        super().tearDown()

    def recv(self, timeout):
        """The next notification, or None after timeout seconds."""
        self.notify.settimeout(max(timeout, 0.001))
        try:
            return self.notify.recv(4096).decode()
        except socket.timeout:
            return None

    def collect(self, seconds):
        out, end = [], time.monotonic() + seconds
        while True:
            msg = self.recv(end - time.monotonic())
            if msg is None:
                return out
            out.append(msg)

    def start_under_systemd(self):
        env = dict(os.environ, NOTIFY_SOCKET=self.sock_path, WATCHDOG_USEC="1000000")
        env.pop("WATCHDOG_PID", None)
        err = open(self.hub.stderr_path, "ab")
        self.hub.proc = subprocess.Popen(self.hub.command(), env=env, stderr=err,
                                         stdout=subprocess.DEVNULL)
        err.close()
        deadline = time.monotonic() + 15
        while True:
            msg = self.recv(deadline - time.monotonic())
            self.assertIsNotNone(msg, "no READY=1 within 15 s")
            if "READY=1" in msg.split("\n"):
                break
        # READY=1 is out: the port must accept a connection now.
        with open(self.hub.port_file) as f:
            self.hub.port = int(f.read())
        with socket.create_connection(("127.0.0.1", self.hub.port), timeout=1):
            pass
        status, _, _ = self.hub.http_get("/healthz")
        self.assertEqual(status, 200)

    def test_ready_watchdog_stopping(self):
        self.start_under_systemd()
        pings = [m for m in self.collect(2.2) if m == "WATCHDOG=1"]
        self.assertGreaterEqual(len(pings), 3, "WATCHDOG=1 every half period (0.5 s)")
        os.kill(self.hub.proc.pid, signal.SIGSTOP)
        try:
            self.collect(0.3)  # sent before the stop took effect
            self.assertEqual(self.collect(1.5), [], "a stopped hub sent notifications")
        finally:
            os.kill(self.hub.proc.pid, signal.SIGCONT)
        self.assertEqual(self.recv(1.5), "WATCHDOG=1", "the pings resume after SIGCONT")
        self.hub.proc.send_signal(signal.SIGTERM)
        rest = self.collect(2.0)
        self.assertIn("STOPPING=1", [line for m in rest for line in m.split("\n")])
        self.assertEqual(self.hub.proc.wait(5), 0)
        self.assertEqual(sanitizer_reports(self.hub.stderr()), [])


if __name__ == "__main__":
    import fhtest
    fhtest.main()
