"""termtest -- drive a terminal program in a private tmux server.

A Term starts one command in a detached tmux session on its own socket
(tmux -L <unique name>, no user config), so tests never touch the user's
tmux and can run in parallel.  Tests read the screen with capture-pane and
poll for what they expect instead of sleeping; wait_for() prints the last
screen when the expectation is not met in time.
"""
import os
import shlex
import subprocess
import tempfile
import time
import uuid

TMUX = "tmux"


class Term:
    """One command in a private tmux session of width x height."""

    def __init__(self, argv, width=100, height=30, env=None, shell_tail=None):
        self.socket = "fhterm-%d-%s" % (os.getpid(), uuid.uuid4().hex[:8])
        self.width = width
        self.height = height
        self.env = dict(env or {})
        self.argv = list(argv)
        # shell_tail: shell text run after the command (e.g. "echo EXITED")
        self.shell_tail = shell_tail
        self.started = False
        self.socket_path = None  # the private server's socket, removed by close()

    def _tmux(self, *args, check=True):
        return subprocess.run([TMUX, "-L", self.socket, "-f", "/dev/null"] + list(args),
                              check=check, capture_output=True, text=True)

    def command_line(self):
        env = " ".join("%s=%s" % (k, shlex.quote(v)) for k, v in self.env.items())
        cmd = " ".join(shlex.quote(a) for a in self.argv)
        line = ("env %s %s" % (env, cmd)) if env else cmd
        if self.shell_tail:
            # keep the pane (and its tty) alive so the tail's output stays visible
            line = "%s; %s; sleep 600" % (line, self.shell_tail)
        return line

    def start(self):
        # one tmux command, so that remain-on-exit is set before the pane can end
        self._tmux("new-session", "-d", "-x", str(self.width), "-y", str(self.height),
                   "sh", "-c", self.command_line(), ";",
                   "set-option", "-g", "remain-on-exit", "on")
        self.started = True
        self.socket_path = self._tmux("display-message", "-p", "#{socket_path}").stdout.strip()
        return self

    def screen(self):
        """The visible pane as text, one string (lines joined by newlines)."""
        return self._tmux("capture-pane", "-p").stdout

    def lines(self):
        return self.screen().split("\n")

    def wait_for(self, what, timeout=5.0, interval=0.05):
        """Polls until `what` (a string on screen, or a predicate on the
        screen text) holds; returns the screen.  Fails with the last screen."""
        pred = what if callable(what) else (lambda s: what in s)
        deadline = time.monotonic() + timeout
        screen = ""
        while True:
            screen = self.screen()
            if pred(screen):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError("screen did not show %r within %.1fs:\n%s" %
                                     (what if not callable(what) else what.__name__,
                                      timeout, screen))
            time.sleep(interval)

    def keys(self, *keys):
        """tmux key names ("Enter", "Up", "C-u") or literal text."""
        self._tmux("send-keys", *keys)

    def text(self, s):
        self._tmux("send-keys", "-l", s)

    def resize(self, width, height):
        self._tmux("resize-window", "-x", str(width), "-y", str(height))
        self.width, self.height = width, height

    def pane_pid(self):
        out = self._tmux("list-panes", "-F", "#{pane_pid}").stdout.strip()
        return int(out.split()[0]) if out else None

    def pane_dead(self):
        out = self._tmux("list-panes", "-F", "#{pane_dead}", check=False).stdout.strip()
        return out == "1"

    def processes(self):
        """Pids of the pane's process and all its descendants."""
        pid = self.pane_pid() if self.started else None
        todo, found = ([pid] if pid else []), []
        while todo:
            p = todo.pop()
            found.append(p)
            out = subprocess.run(["pgrep", "-P", str(p)], capture_output=True, text=True).stdout
            todo += [int(c) for c in out.split()]
        return found

    def close(self, timeout=10.0):
        """Kills the tmux server (the pane's processes get SIGHUP) and waits
        until those processes have exited."""
        if not self.started:
            return
        pids = self.processes()
        self._tmux("kill-server", check=False)
        self.started = False
        if self.socket_path and os.path.exists(self.socket_path):
            os.unlink(self.socket_path)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and any(_alive(p) for p in pids):
            time.sleep(0.02)


def _alive(pid):
    """False once the process has exited (a zombie waiting to be reaped by
    whoever inherited it counts as exited)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def token_file(directory, token):
    """Writes a token into a 0600 file in directory and returns its path."""
    fd, path = tempfile.mkstemp(prefix="token-", dir=directory)
    with os.fdopen(fd, "w") as f:
        f.write(token + "\n")
    return path
