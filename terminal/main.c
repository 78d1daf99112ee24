/* main.c -- floorterm: options, the loop, signals, and leaving cleanly.
 *
 * Everything runs on one uv loop: the hub connection (fh_client), stdin
 * (input.c), a 1 s tick for the age counters and the clock, and a prepare
 * handle that redraws when something changed, so an idle floorterm sleeps
 * in epoll.  SIGTERM, SIGINT and SIGHUP arrive as uv signals and leave
 * through ft_app_stop(), which restores the terminal (endwin) before anything
 * else; atexit() does it too for any other exit.  SIGWINCH is a uv signal
 * as well (installed before initscr, so curses leaves it to us).
 */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>

#include "input.h"
#include "views.h"

#define TICK_MS 1000 /* age counters and the clock */

static app the_app; /* one per process; atexit needs to find it */

static void usage(FILE *f) {
  fprintf(f,
          "usage: floorterm [--url ws[s]://HOST:PORT/ws] [--token-file FILE]\n"
          "                 [--ca-file FILE | --insecure]\n"
          "                 [--line ID] [--kiosk] [--unlock-code CODE] [--log FILE]\n"
          "\n"
          "  --url URL          the hub (default $FLOORHUB_URL or ws://127.0.0.1:7600/ws)\n"
          "  --ca-file FILE     wss: trust these CAs (PEM) instead of the system's\n"
          "  --insecure         wss: do NOT check the hub's certificate (never in kiosk)\n"
          "  --token-file FILE  file holding the JWT (default: $FLOORHUB_TOKEN)\n"
          "  --line ID          start on this line; new andons ring only for it\n"
          "  --kiosk            stay on the line view, no quitting; an admin token\n"
          "                     or Ctrl-U and the unlock code lifts the lock\n"
          "  --unlock-code CODE the kiosk's unlock code (or $FLOORTERM_UNLOCK_CODE)\n"
          "  --log FILE         append diagnostics to FILE (never the token)\n"
          "  --help, --version\n"
          "\n"
          "keys: Up/Down select, Enter open a line, Left/Right change line, 1-5 or\n"
          "Tab switch view, r raise, a acknowledge, s resolve, c cancel, u refresh\n"
          "the report (there Left/Right: the shift before/after, Up/Down: the line),\n"
          "d a line's stops (Enter there: category digit, reason digit, Enter),\n"
          "q quit, Ctrl-U unlock (or lock) a kiosk, Ctrl-L redraw.\n"
          "With a kiosk token (role kiosk) people sign in: scan a badge, or type\n"
          "the user, Tab, the PIN, Enter; Ctrl-O signs out.\n"
          "The help line shows only the keys your role may use.\n");
}

int64_t ft_app_wall_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t ft_app_now_ms(const app *a) { return ft_app_wall_ms() + a->skew_ms; }

void ft_app_log(app *a, const char *fmt, ...) {
  char ts[32];
  time_t t = time(NULL);
  struct tm tm;
  va_list ap;

  if (a->log == NULL) return;
  localtime_r(&t, &tm);
  strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
  fprintf(a->log, "%s ", ts);
  va_start(ap, fmt);
  vfprintf(a->log, fmt, ap);
  va_end(ap);
  fputc('\n', a->log);
  fflush(a->log);
}

void ft_app_status(app *a, cap_style style, const char *fmt, ...) {
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(a->status, sizeof a->status, fmt, ap);
  va_end(ap);
  a->status_style = style;
  a->dirty = 1;
}

static void restore_terminal(void) {
  if (the_app.curses_on) {
    the_app.curses_on = 0;
    endwin();
  }
}

static void close_handle(uv_handle_t *h) {
  if (h->loop != NULL && !uv_is_closing(h)) uv_close(h, NULL);
}

void ft_app_stop(app *a, int exit_code) {
  if (a->stopping) return;
  a->stopping = 1;
  a->exit_code = exit_code;
  restore_terminal();
  close_handle((uv_handle_t *)&a->input);
  close_handle((uv_handle_t *)&a->tick);
  close_handle((uv_handle_t *)&a->redraw);
  close_handle((uv_handle_t *)&a->sig_term);
  close_handle((uv_handle_t *)&a->sig_int);
  close_handle((uv_handle_t *)&a->sig_hup);
  close_handle((uv_handle_t *)&a->sig_winch);
  fh_client_close(a->client);
  a->client = NULL;
}

static void on_signal(uv_signal_t *s, int signum) {
  app *a = s->data;
  if (signum == SIGWINCH) {
    ft_input_resize(a);
    return;
  }
  ft_app_log(a, "signal %d: leaving", signum);
  ft_app_stop(a, 0);
}

static void on_tick(uv_timer_t *t) {
  app *a = t->data;
  a->dirty = 1;
  ft_token_reload(a);
}

static void on_prepare(uv_prepare_t *p) {
  app *a = p->data;
  if (a->dirty && a->curses_on && !a->stopping) ft_ui_draw(a);
}

/* Parses argv into a->opt.  Returns -1 to go on, or the exit code. */
static int parse_options(app *a, int argc, char **argv) {
  static const struct option longopts[] = {
      {"url", required_argument, NULL, 'u'},   {"token-file", required_argument, NULL, 't'},
      {"line", required_argument, NULL, 'l'},  {"kiosk", no_argument, NULL, 'k'},
      {"unlock-code", required_argument, NULL, 'c'}, {"log", required_argument, NULL, 'L'},
      {"ca-file", required_argument, NULL, 'C'}, {"insecure", no_argument, NULL, 'I'},
      {"help", no_argument, NULL, 'h'},        {"version", no_argument, NULL, 'V'},
      {NULL, 0, NULL, 0}};
  int ch;

  a->opt.url = getenv("FLOORHUB_URL") ? getenv("FLOORHUB_URL") : "ws://127.0.0.1:7600/ws";
  a->opt.unlock_code = getenv("FLOORTERM_UNLOCK_CODE");
  while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
    switch (ch) {
      case 'u': a->opt.url = optarg; break;
      case 't': a->opt.token_file = optarg; break;
      case 'l': a->opt.line = optarg; break;
      case 'k': a->opt.kiosk = 1; break;
      case 'c': a->opt.unlock_code = optarg; break;
      case 'L': a->opt.log_path = optarg; break;
      case 'C': a->opt.ca_file = optarg; break;
      case 'I': a->opt.insecure = 1; break;
      case 'h': usage(stdout); return 0;
      case 'V': printf("floorterm %s\n", FH_VERSION); return 0;
      default: usage(stderr); return 2;
    }
  }
  if (optind < argc || (a->opt.line && strlen(a->opt.line) > FH_ID_MAX)) {
    usage(stderr);
    return 2;
  }
  if (a->opt.insecure && a->opt.kiosk) {
    fprintf(stderr, "floorterm: --insecure is refused in kiosk mode: give the "
            "hub's CA with --ca-file\n");
    return 2;
  }
  if (a->opt.insecure && a->opt.ca_file != NULL) {
    fprintf(stderr, "floorterm: --insecure and --ca-file exclude each other\n");
    return 2;
  }
  if (a->opt.unlock_code != NULL && a->opt.unlock_code[0] == '\0') a->opt.unlock_code = NULL;
  return -1;
}

static int start_client(app *a) {
  static const char *const topics[] = {"plant", "andon"};
  fh_client_opts o;

  memset(&o, 0, sizeof o);
  o.url = a->opt.url;
  o.ca_file = a->opt.ca_file;
  o.insecure = a->opt.insecure;
  o.token = a->token;
  o.name = "floorterm";
  o.cb.on_state = ft_session_on_state;
  o.cb.on_event = ft_session_on_event;
  o.cb.on_reply = ft_session_on_reply;
  o.cb.on_log = ft_session_on_log;
  o.cb.on_identity = ft_session_on_identity;
  o.arg = a;
  if (fh_client_new(&a->client, a->loop, &o) != 0) return -EINVAL;
  return fh_client_subscribe(a->client, topics, 2);
}

static void start_signal(app *a, uv_signal_t *s, int signum) {
  uv_signal_init(a->loop, s);
  s->data = a;
  uv_signal_start(s, on_signal, signum);
}

/* Curses in raw mode (Ctrl-C, Ctrl-Z are keys: a kiosk cannot be left with
 * them), no echo, keypad, non-blocking reads, no cursor. */
static int start_curses(app *a) {
  a->screen = newterm(NULL, stdout, stdin);
  if (a->screen == NULL) return -ENOTTY;
  a->curses_on = 1;
  raw();
  noecho();
  nonl();
  keypad(stdscr, TRUE);
  nodelay(stdscr, TRUE);
  set_escdelay(25);
  curs_set(0);
  ft_caps_init_colors(&a->caps);
  return 0;
}

static int run(app *a) {
  char err[256];
  struct stat st;

  a->token = ft_token_load(a->opt.token_file, err, sizeof err);
  if (a->token == NULL) {
    fprintf(stderr, "floorterm: %s\n", err);
    return 2;
  }
  if (a->opt.token_file != NULL && stat(a->opt.token_file, &st) == 0) a->token_mtime = st.st_mtim;
  if (start_client(a) != 0) {
    fprintf(stderr, "floorterm: bad --url %s\n", a->opt.url);
    return 2;
  }
  if (a->opt.insecure) {
    static const char warn[] = "WARNING: --insecure: the hub's certificate is "
                               "NOT checked";
    fprintf(stderr, "floorterm: %s; anyone on the network can pose as the hub\n",
            warn);
    ft_app_log(a, "%s", warn);
    ft_app_status(a, CAP_WARN, "%s", warn);
  }
  start_signal(a, &a->sig_term, SIGTERM);
  start_signal(a, &a->sig_int, SIGINT);
  start_signal(a, &a->sig_hup, SIGHUP);
  start_signal(a, &a->sig_winch, SIGWINCH);
  if (start_curses(a) != 0 || ft_input_start(a) != 0) {
    ft_app_stop(a, 1);
    fprintf(stderr, "floorterm: stdin/stdout is not a usable terminal\n");
    return 1;
  }
  uv_timer_init(a->loop, &a->tick);
  a->tick.data = a;
  uv_timer_start(&a->tick, on_tick, TICK_MS, TICK_MS);
  uv_prepare_init(a->loop, &a->redraw);
  a->redraw.data = a;
  uv_prepare_start(&a->redraw, on_prepare);
  fh_client_start(a->client);
  return -1;
}

int main(int argc, char **argv) {
  app *a = &the_app;
  uv_loop_t loop;
  int rc;

  setlocale(LC_ALL, "");
  rc = parse_options(a, argc, argv);
  if (rc >= 0) return rc;
  if (a->opt.log_path != NULL && (a->log = fopen(a->opt.log_path, "a")) == NULL) {
    fprintf(stderr, "floorterm: cannot open --log %s: %s\n", a->opt.log_path, strerror(errno));
    return 2;
  }
  ft_caps_detect_locale(&a->caps);
  ft_model_init(&a->m);
  a->locked = a->opt.kiosk;
  a->view = a->opt.line ? VIEW_LINE : VIEW_BOARD;
  if (a->opt.line) snprintf(a->cur_line, sizeof a->cur_line, "%s", a->opt.line);
  a->offline_since = ft_app_wall_ms();
  uv_loop_init(&loop);
  a->loop = &loop;
  atexit(restore_terminal);
  rc = run(a);
  if (rc >= 0) ft_app_stop(a, rc);
  uv_run(&loop, UV_RUN_DEFAULT);
  if (uv_loop_close(&loop) != 0) ft_app_log(a, "loop closed with handles open");
  if (a->screen != NULL) delscreen(a->screen);
  ft_model_free(&a->m);
  free(a->token);
  if (a->log) fclose(a->log);
  return a->exit_code;
}
