"""tlstest -- a private certificate authority for the TLS tests, made with
the openssl command line in a temp dir: a CA (EC P-256), and certificates it
signs for chosen DNS names and IP addresses, valid now or only in the past,
optionally through an intermediate CA (the chain is then written into the
certificate file, leaf first, as the hub sends it).  Keys are written with
mode 0600, as the hub requires.
"""
import atexit
import os
import shutil
import subprocess
import tempfile

CA_CNF = """[ ca ]
default_ca = ca_default
[ ca_default ]
database = {dir}/index.txt
new_certs_dir = {dir}
serial = {dir}/serial
default_md = sha256
policy = policy_any
copy_extensions = copy
unique_subject = no
[ policy_any ]
commonName = supplied
[ v3_ca ]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
"""


def openssl(*args, cwd=None):
    out = subprocess.run(["openssl"] + list(args), capture_output=True, text=True,
                         cwd=cwd, timeout=30)
    if out.returncode != 0:
        raise AssertionError("openssl %s: %s" % (" ".join(args), out.stderr))
    return out.stdout


class TestCA:
    """A CA in its own temp dir; issue() returns (cert file, key file)."""

    def __init__(self, name="floorhub test CA", parent=None, dir=None):
        if dir is None:
            dir = tempfile.mkdtemp(prefix="fh-ca-")
            atexit.register(shutil.rmtree, dir, True)  # keys never outlive the test
        self.dir = dir
        tag = name.replace(" ", "_")
        self.key = self._newkey(tag + ".ca.key")
        self.cert = os.path.join(self.dir, tag + ".ca.pem")
        self.cnf = os.path.join(self.dir, tag + ".cnf")
        self.db = os.path.join(self.dir, tag + ".db")
        os.makedirs(self.db, exist_ok=True)
        with open(self.cnf, "w") as f:
            f.write(CA_CNF.format(dir=self.db))
        open(os.path.join(self.db, "index.txt"), "w").close()
        with open(os.path.join(self.db, "serial"), "w") as f:
            f.write("1000\n")
        self.parent = parent
        if parent is None:
            openssl("req", "-x509", "-new", "-key", self.key, "-out", self.cert,
                    "-days", "3", "-subj", "/CN=" + name, "-config", self.cnf,
                    "-extensions", "v3_ca")
        else:  # an intermediate, signed by parent
            csr = os.path.join(self.dir, tag + ".csr")
            openssl("req", "-new", "-key", self.key, "-out", csr, "-subj", "/CN=" + name)
            parent._sign(csr, self.cert, "basicConstraints=critical,CA:true\n"
                         "keyUsage=critical,keyCertSign,cRLSign\n", None, None)
        self.n = 0

    def _newkey(self, name, rsa_bits=None):
        path = os.path.join(self.dir, name)
        if rsa_bits:
            openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:%d" % rsa_bits,
                    "-out", path)
        else:
            openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-out", path)
        os.chmod(path, 0o600)
        return path

    def _sign(self, csr, out, ext_text, start, end):
        ext = csr + ".ext"
        with open(ext, "w") as f:
            f.write(ext_text)
        dates = ["-days", "2"]
        if start:
            dates = ["-startdate", start, "-enddate", end]
        openssl("ca", "-batch", "-notext", "-config", self.cnf, "-cert", self.cert,
                "-keyfile", self.key, "-in", csr, "-out", out, "-extfile", ext, *dates)

    def self_signed(self, cn="localhost"):
        """A self-signed server certificate for localhost and 127.0.0.1 (no
        CA signed it): (cert file, key file)."""
        self.n += 1
        key = self._newkey("self-signed-%d.key" % self.n)
        cert = os.path.join(self.dir, "self-signed-%d.pem" % self.n)
        openssl("req", "-x509", "-new", "-key", key, "-out", cert, "-days", "2",
                "-subj", "/CN=" + cn, "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1")
        return cert, key

    def issue(self, cn="localhost", dns=("localhost",), ips=("127.0.0.1",), expired=False,
              client=False, rsa_bits=None):
        """A certificate for cn with those names; expired: valid only in 2020.
        client: for TLS client authentication instead of a server.  With an
        intermediate CA the cert file holds the leaf and then the
        intermediate.  Returns (cert file, key file)."""
        self.n += 1
        tag = "%s-%d" % (cn.replace(" ", "_"), self.n)
        key = self._newkey(tag + ".key", rsa_bits)
        csr = os.path.join(self.dir, tag + ".csr")
        cert = os.path.join(self.dir, tag + ".pem")
        openssl("req", "-new", "-key", key, "-out", csr, "-subj", "/CN=" + cn)
        alt = ["DNS:" + d for d in dns] + ["IP:" + i for i in ips]
        ext = "basicConstraints=CA:false\n"
        ext += "extendedKeyUsage=%s\n" % ("clientAuth" if client else "serverAuth")
        if alt:
            ext += "subjectAltName=" + ",".join(alt) + "\n"
        start, end = ("20200101000000Z", "20200102000000Z") if expired else (None, None)
        self._sign(csr, cert, ext, start, end)
        if self.parent is not None:
            with open(cert, "a") as f, open(self.cert) as inter:
                f.write(inter.read())
        return cert, key
