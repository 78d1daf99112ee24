/* split.c -- reading floorhub's per-update split from /metrics.
 *
 * The hub keeps three Prometheus histograms per published update
 * (hub/core/metrics.h): its request's arrival to the start of the commit
 * (queue), the commit, and the commit's end to the write to its last
 * subscriber (fanout).  A benchmark window scrapes /metrics before and
 * after, and the difference of the two readings is the window's updates
 * alone; their percentiles are interpolated linearly inside a bucket, as
 * Prometheus's histogram_quantile does.  The scrape is a blocking HTTP/1.0
 * GET made outside the measured window (floorbench's loop is idle then).
 */
#include "split.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define SCRAPE_MAX (1 << 20) /* /metrics of a 50-line plant is ~100 KiB */

static const char *const part_name[SPLIT_PARTS] = {"queue", "commit", "fanout"};

/* The body of GET /metrics in a malloc'd NUL-terminated buffer, or NULL. */
static char *scrape(int port) {
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  struct timeval tv = {2, 0};
  static const char req[] = "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  char *buf = malloc(SCRAPE_MAX + 1);
  size_t len = 0;
  ssize_t n;
  int fd = socket(AF_INET, SOCK_STREAM, 0);

  if (fd < 0 || buf == NULL) goto fail;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
      write(fd, req, sizeof req - 1) != (ssize_t)(sizeof req - 1))
    goto fail;
  while (len < SCRAPE_MAX && (n = read(fd, buf + len, SCRAPE_MAX - len)) > 0)
    len += (size_t)n;
  close(fd);
  buf[len] = '\0';
  if (strncmp(buf, "HTTP/1.", 7) != 0 || strstr(buf, " 200 ") == NULL) {
    free(buf);
    return NULL;
  }
  return buf;
fail:
  if (fd >= 0) close(fd);
  free(buf);
  return NULL;
}

/* One line of the body that belongs to histogram `name`, into h. */
static void parse_line(const char *line, const char *name, split_hist *h) {
  size_t nl = strlen(name);
  const char *rest = line + nl;
  if (strncmp(line, name, nl) != 0) return;
  if (!strncmp(rest, "_bucket{le=\"", 12) && h->nb < SPLIT_BUCKETS) {
    const char *q = rest + 12, *v = strchr(q, ' ');
    if (v == NULL) return;
    h->le[h->nb] = !strncmp(q, "+Inf", 4) ? 1e300 : strtod(q, NULL);
    h->cum[h->nb++] = strtod(v + 1, NULL);
  } else if (!strncmp(rest, "_sum ", 5)) {
    h->sum = strtod(rest + 5, NULL);
  } else if (!strncmp(rest, "_count ", 7)) {
    h->count = strtod(rest + 7, NULL);
  }
}

void split_parse(char *body, split_snap *s) {
  char *line, *save = NULL;
  char names[SPLIT_PARTS][48];

  memset(s, 0, sizeof *s);
  for (int p = 0; p < SPLIT_PARTS; p++)
    snprintf(names[p], sizeof names[p], "floorhub_update_%s_seconds", part_name[p]);
  for (line = strtok_r(body, "\r\n", &save); line != NULL;
       line = strtok_r(NULL, "\r\n", &save))
    if (!strncmp(line, "floorhub_update_", 16))
      for (int p = 0; p < SPLIT_PARTS; p++) parse_line(line, names[p], &s->part[p]);
  s->ok = s->part[0].nb > 1 && s->part[0].nb == s->part[2].nb;
}

void split_read(int port, split_snap *s) {
  char *body = scrape(port);
  memset(s, 0, sizeof *s);
  if (body == NULL) return;
  split_parse(body, s);
  free(body);
}

double split_quantile(const split_hist *a, const split_hist *b, double q) {
  double total = b->count - a->count, rank = q * total, lo = 0, below = 0;
  if (total <= 0) return 0;
  for (int i = 0; i < b->nb; i++) {
    double c = b->cum[i] - a->cum[i];
    if (c >= rank) {
      if (b->le[i] > 1e299) return lo; /* +Inf: the highest finite bound */
      return c > below ? lo + (b->le[i] - lo) * (rank - below) / (c - below) : lo;
    }
    lo = b->le[i];
    below = c;
  }
  return lo;
}

void jout_split(jout *j, const split_snap *a, const split_snap *b) {
  char key[40];
  if (!a->ok || !b->ok) return;
  for (int p = 0; p < SPLIT_PARTS; p++) {
    const split_hist *x = &a->part[p], *y = &b->part[p];
    double n = y->count - x->count;
    snprintf(key, sizeof key, "split_%s_n", part_name[p]);
    jout_int(j, key, n > 0 ? (uint64_t)n : 0);
    snprintf(key, sizeof key, "split_%s_mean_us", part_name[p]);
    jout_num(j, key, n > 0 ? (y->sum - x->sum) / n * 1e6 : 0);
    snprintf(key, sizeof key, "split_%s_p50_us", part_name[p]);
    jout_num(j, key, split_quantile(x, y, 0.50) * 1e6);
    snprintf(key, sizeof key, "split_%s_p99_us", part_name[p]);
    jout_num(j, key, split_quantile(x, y, 0.99) * 1e6);
  }
}
