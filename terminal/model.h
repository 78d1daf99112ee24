/* model.h -- floorterm's copy of the plant, built from snaps and upds.
 *
 * The model knows nothing of the screen: the plant topic gives the lines,
 * andon kinds, reason codes, escalation steps and the current shift; each
 * line/<id> topic gives that line's equipment and OEE record; the andon
 * topic (and the andons inside line snaps) fill one table of andons keyed
 * by id, open and recently closed; each downtime/<id> topic gives that
 * line's stops, and the plant snap the reason tree their picker is drawn
 * from (model_downtime.c).  ft_model_apply() reports what the screen
 * must call attention to (a new andon, an escalation, a stop that ended
 * and needs a reason) in a model_news.
 * The last shift report answered by the hub is kept here too, with the
 * line's history around it (model_history.c).
 */
#ifndef FT_MODEL_H
#define FT_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "fh_downtime.h"
#include "fh_history.h"
#include "fh_protocol.h"

#define MODEL_NEWS_MAX 16     /* news entries kept per applied event */
#define MODEL_ANDONS_MAX 1000 /* andons kept; the oldest closed go first */
#define MODEL_STOPS_MAX 1000  /* stops kept per line; the oldest go first */
#define MODEL_REASONS_MAX 256 /* nodes of the reason tree accepted */

#define MODEL_HOURS_MAX 27    /* hour buckets of a shift's scoreboard: as many as
                                 the hub sends (a 24 h shift off the hour on
                                 a DST day has 27) */
#define MODEL_PRODUCTS_MAX 256 /* products accepted in a plant snap */

/* One hour bucket of a line's scoreboard (oee/<id> hourly). */
typedef struct model_hour {
  int64_t hour_start;        /* ms */
  uint64_t target;           /* the target's share of the bucket */
  uint64_t good;             /* good pieces in it */
  uint64_t reject;           /* rejects in it */
  uint64_t down_ms;          /* downtime at the constraint in it */
} model_hour;

/* The scoreboard of a line's running shift (the oee/<id> topic). */
typedef struct model_score {
  int has;                   /* a scoreboard with a target arrived */
  uint64_t target;           /* pieces for the whole shift */
  int plan;                  /* 1: the target is a plan, 0: the ideal pace */
  uint64_t expected;         /* expected_now */
  int64_t variance;          /* good - expected_now */
  size_t nhours;             /* entries in hours */
  model_hour hours[MODEL_HOURS_MAX]; /* hourly, the current one last */
} model_score;

/* A product of the plant (the plant snap's products). */
typedef struct model_product {
  char id[FH_ID_MAX + 1];    /* product id */
  char name[FH_NAME_MAX + 1];/* display name */
} model_product;

#define MODEL_HO_NOTES 5      /* notes of a handover kept for the screen */

/* The last closed shift's handover of a line while it is not acknowledged
 * (the `handover` of line/<id>; model_handover.c). */
typedef struct model_handover {
  int pending;               /* 1: one waits for its acknowledgement */
  int64_t shift_start;       /* ms: what handover.ack names */
  char shift[FH_NAME_MAX + 1]; /* the shift's name */
  size_t nnotes;             /* notes in it (the first MODEL_HO_NOTES kept) */
  struct {
    char text[FH_HANDOVER_TEXT_MAX + 1]; /* the note */
    char by[FH_ID_MAX + 1];  /* who wrote it */
  } notes[MODEL_HO_NOTES];
  uint32_t open_andons;      /* andons open at the close */
  uint32_t unclassified;     /* stops left without a reason */
  double oee;                /* the shift's OEE */
} model_handover;

/* A line with what its line/<id> topic told. */
typedef struct model_line {
  fh_line line;              /* from the plant or line topic */
  fh_equipment *eq;          /* its equipment, in plant order; owned */
  size_t neq;                /* entries in eq */
  fh_oee oee;                /* the line's OEE record of the current shift */
  int has_oee;               /* oee was received */
  int has_detail;            /* a line/<id> snap was received */
  fh_downtime *stops;        /* its stops, newest first; owned */
  size_t nstops;             /* entries in stops */
  int has_stops;             /* a downtime/<id> snap was received */
  fh_run run;                /* the active run; run.id 0: none */
  model_score score;         /* the scoreboard (oee/<id>) */
  model_handover ho;         /* its pending handover */
} model_line;

/* One node of the plant's reason tree (the plant snap's reason_tree). */
typedef struct model_reason {
  char code[FH_KIND_MAX + 1];  /* unique plant-wide */
  char name[FH_NAME_MAX + 1];  /* display name, may be "" */
  char category[FH_KIND_MAX + 1]; /* loss category ("unplanned", ...) */
  char parent[FH_KIND_MAX + 1];/* parent's code, "" at the top */
  int leaf;                    /* 1: a reason a stop can take */
} model_reason;

/* One escalation step of the plant. */
typedef struct model_esc {
  uint32_t after_s;          /* seconds after raised_at */
  char role[FH_KIND_MAX + 1];/* role notified at this step */
} model_esc;

/* A name list: andon kinds or reason codes. */
typedef struct model_names {
  char (*v)[FH_KIND_MAX + 1];/* names; owned */
  size_t n;                  /* names used */
} model_names;

/* What an applied event brought that deserves attention. */
typedef struct model_news {
  size_t nraised;                       /* entries in raised[] */
  uint64_t raised[MODEL_NEWS_MAX];      /* andons seen for the first time,
                                           still raised */
  size_t nescalated;                    /* entries in escalated[] */
  uint64_t escalated[MODEL_NEWS_MAX];   /* andons whose level went up */
  size_t nrestarted;                    /* entries in restarted[] */
  uint64_t restarted[MODEL_NEWS_MAX];   /* stops that closed (the
                                           equipment runs again) and need
                                           a reason */
} model_news;

typedef enum report_state {
  REPORT_NONE = 0,           /* never asked */
  REPORT_LOADING,            /* asked, no answer yet */
  REPORT_OK,                 /* oee holds the answer */
  REPORT_ERR                 /* err holds the hub's message */
} report_state;

/* The last shift report asked for. */
typedef struct model_report {
  report_state state;        /* see above */
  char line[FH_ID_MAX + 1];  /* the line it is about */
  fh_oee oee;                /* the closed shift's OEE record */
  char err[200];             /* why there is none, in words */
} model_report;

#define MODEL_SHIFTS_MAX FH_HISTORY_PAGE_ROWS /* shift starts kept */
#define MODEL_DAYS 7                /* rows of the day table */
#define MODEL_SHIFTS_SPAN_MS (14LL * 86400000) /* how far one ask for
                                    shift starts reaches back */

/* One day of the report's day table. */
typedef struct model_day {
  fh_hist_row row;           /* the day's oee.history row */
  fh_pareto_row top;         /* its largest loss (dt.pareto top 1) */
  int has_top;               /* top holds the answer (0: none yet or no
                                stop that day) */
} model_day;

/* The line's history around the report: the closed shifts one can step
 * to, and the last MODEL_DAYS days. */
typedef struct model_history {
  char line[FH_ID_MAX + 1];  /* the line it is about */
  int64_t shifts[MODEL_SHIFTS_MAX]; /* closed shift starts, ascending */
  size_t nshifts;            /* entries in shifts */
  int64_t shifts_from;       /* the oldest time asked for shift starts
                                (none before it is known) */
  model_day days[MODEL_DAYS];/* oldest first */
  size_t ndays;              /* entries in days */
  report_state days_state;   /* of the day table */
  char err[200];             /* days_state REPORT_ERR: why, in words */
} model_history;

typedef struct model {
  char plant[FH_NAME_MAX + 1]; /* plant name, "" before the plant snap */
  int has_plant;             /* the plant snap arrived */
  model_line *lines;         /* in plant order; owned */
  size_t nlines;             /* entries in lines */
  model_names kinds;         /* andon kinds */
  model_names reasons;       /* resolve reason codes */
  model_reason *rtree;       /* the reason tree, a parent before its
                                children; owned */
  size_t nrtree;             /* entries in rtree */
  model_esc *esc;            /* escalation steps, in order; owned */
  size_t nesc;               /* entries in esc */
  char shift[FH_NAME_MAX + 1]; /* current shift name */
  int64_t shift_start;       /* ms */
  int64_t shift_end;         /* ms */
  fh_andon *andons;          /* open and recently closed, any order; owned */
  size_t nandons;            /* entries used */
  size_t andons_cap;         /* entries allocated */
  int andons_loaded;         /* the andon snap arrived: news from now on */
  model_report report;       /* the last shift report */
  model_history hist;        /* the report line's history */
  model_product *products;   /* the plant's products; owned */
  size_t nproducts;          /* entries in products */
} model;

void ft_model_init(model *m);
void ft_model_free(model *m);

/* Applies one snap or upd (plant, line/<id>, andon).  Returns 0, or -EINVAL
 * when the data did not decode (the model keeps what it had), or -ENOMEM.
 * `news` (may be NULL) is cleared and then filled. */
int ft_model_apply(model *m, const fh_event *ev, model_news *news);

/* Stores the answer to the shift.report asked for report.line: an ok with
 * a report body, or an err. */
void ft_model_report_set(model *m, const fh_event *ev);

/* ------------------------------------------- history (model_history.c) */

/* Starts the history of line over (forgets another line's). */
void ft_model_hist_reset(model *m, const char *line);
/* Merges the closed shifts of an oee.history group "shift" answer asked
 * from `from` into the shift starts.  0, or -EINVAL (not such an answer). */
int ft_model_hist_shifts(model *m, const fh_event *ev, int64_t from);
/* The day table from an oee.history group "day" answer asked from `from`:
 * the rows of whole days (start >= from), the last MODEL_DAYS of them;
 * an err or a broken answer sets days_state REPORT_ERR. */
void ft_model_hist_days(model *m, const fh_event *ev, int64_t from);
/* The top loss of day i from a dt.pareto top 1 answer. */
void ft_model_hist_top(model *m, size_t i, const fh_event *ev);
/* The closed shift `delta` steps from the one starting at start (delta
 * -1: the one before); 0 when the known shifts do not reach it. */
int64_t ft_model_hist_step(const model *m, int64_t start, int delta);

/* Puts one andon into the table (new, or a newer version of one held) and
 * adds what it means to news (may be NULL).  0 or -ENOMEM. */
int ft_model_andon_put(model *m, const fh_andon *a, model_news *news);
/* Replaces the table with list (n entries, malloc'ed; the model takes it)
 * after adding to news what is new against the old table.  From now on
 * changes are news. */
void ft_model_andons_replace(model *m, fh_andon *list, size_t n, model_news *news);

/* Reads a `handover` value (a map, or nil: none pending) into h.  0 or -1. */
int ft_model_handover_read(fh_mp_cursor *c, model_handover *h);

model_line *ft_model_line_find(const model *m, const char *id);
/* The line of a topic's id part ("L1" of line/L1) into *out, NULL when the
 * plant has no such line.  0, or -EINVAL for an id too long or empty. */
int ft_model_topic_line(const model *m, const fh_strv *id, model_line **out);
/* Reads a map, calling key() with the cursor at each key's value (which it
 * must consume).  0, or -EINVAL (bad map, or key()'s non-zero). */
int ft_model_read_map(fh_mp_cursor *c,
                      int (*key)(fh_mp_cursor *c, const fh_strv *k, void *arg),
                      void *arg);
const fh_andon *ft_model_andon_find(const model *m, uint64_t id);
/* 1 for raised and acknowledged andons. */
int ft_model_andon_open(const fh_andon *a);

/* Fills out[] with the open andons (of `line`, or all when NULL), queue
 * order: unacknowledged first, then highest level, then oldest.  Returns
 * how many there are (may exceed cap; only cap are stored). */
size_t ft_model_open_andons(const model *m, const char *line,
                         const fh_andon **out, size_t cap);

/* Andon counts and response times of one line over a time range. */
typedef struct model_andon_stats {
  uint32_t raised;           /* andons raised in the range */
  uint32_t acked;            /* ... of them acknowledged (also by resolve) */
  uint32_t resolved;         /* ... resolved */
  uint32_t cancelled;        /* ... cancelled */
  uint32_t open;             /* ... still raised or acknowledged */
  double ack_mean_s;         /* mean raise -> ack, 0 when none acked */
  double repair_mean_s;      /* mean ack -> resolve, 0 when none resolved */
} model_andon_stats;

/* Stats of the andons of `line` raised in [from, to) ms, from the andon
 * table (which holds closed andons of the last 12 h). */
void ft_model_andon_stats_of(const model *m, const char *line, int64_t from,
                          int64_t to, model_andon_stats *st);

/* The current shift's name: the plant snap's, or a newer one that the
 * lines' OEE records carry (the plant topic has no upd for it). */
const char *ft_model_shift_name(const model *m);

/* The role called at escalation level `level` (step level-1), or NULL. */
const char *ft_model_esc_role(const model *m, uint32_t level);
/* 1 if one of the steps the andon has reached called `role`. */
int ft_model_esc_calls(const model *m, const fh_andon *a, const char *role);

/* ------------------------------- runs and scoreboard (model_score.c) */
/* Applies a snap or upd of oee/<id> (id: the topic's rest): the
 * scoreboard keys, when present. */
int ft_model_apply_score(model *m, const fh_strv *id, fh_mp_cursor *c);
/* Reads the plant snap's products array into a malloc'ed list. */
int ft_model_products_read(fh_mp_cursor *c, model_product **out, size_t *n);
/* Reads a line topic's `run` value (a run map, or nil: no run). */
int ft_model_run_read(fh_mp_cursor *c, fh_run *r);

/* ---------------------------------------------- stops (model_downtime.c) */

/* Applies a snap or upd of downtime/<id> (id: the topic's rest). */
int ft_model_apply_downtime(model *m, const fh_strv *id, fh_mp_cursor *c,
                            int snap, model_news *news);
/* Reads the plant snap's reason_tree array into a malloc'ed list. */
int ft_model_rtree_read(fh_mp_cursor *c, model_reason **out, size_t *n);
/* Puts one stop into its line's list (new, or replacing the one with its
 * id) and adds to news (may be NULL) a stop that closed needing a reason.
 * 0, -ENOMEM, or 0 without effect when the line is unknown. */
int ft_model_stop_put(model *m, const fh_downtime *d, model_news *news);
/* The stop with that id, or NULL. */
const fh_downtime *ft_model_stop_find(const model *m, uint64_t id);
/* Stops of the line that need a reason (needs_reason and no reason). */
size_t ft_model_stops_needing(const model_line *ml);
/* The line's constraint as far as floorterm can tell: the equipment with
 * the longest ideal cycle, the first of them (the plant file's default). */
const fh_equipment *ft_model_constraint(const model_line *ml);

/* The categories a stop may take, in the order unplanned, changeover,
 * planned, small_stop, each only when the tree has a leaf of it.  Fills
 * out[] (cap entries); returns how many. */
size_t ft_model_stop_categories(const model *m, const char **out, size_t cap);
/* The leaves of category cat, in tree order; returns how many (may exceed
 * cap; only cap are stored). */
size_t ft_model_leaves_of(const model *m, const char *cat,
                          const model_reason **out, size_t cap);

#endif /* FT_MODEL_H */
