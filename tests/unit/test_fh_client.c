/* test_fh_client.c -- fh_client without a network: the subscription table,
 * the outbox, reassembly of fragmented messages with several maps, seq
 * gaps and epochs, request ids/keys and replies, and what a reconnect
 * sends.  Messages are built with the protocol's encoders and fed to the
 * client's receive path (fh__rx_fragment) as libwebsockets would hand them
 * over; what the client queues to send is decoded back with
 * fh_request_decode.  The network side is covered by the floorterm e2e
 * tests against the real hub.
 */
#include <errno.h>
#include <string.h>

#include "client_int.h"
#include "fh_test.h"

/* What the callbacks saw. */
typedef struct rec {
  int nevents;                 /* on_event calls */
  uint64_t seqs[32];           /* their seqs */
  int types[32];               /* their types */
  int nreplies;                /* on_reply calls */
  fh_client_req replies[8];    /* their requests */
  int reply_types[8];          /* ok / err */
  int reply_replay[8];         /* replay flag */
  int nstates;                 /* on_state calls */
  int online;                  /* the last state */
  int nidentities;             /* on_identity calls */
  char identity[FH_ID_MAX + 1];/* the user of the last one */
} rec;

static void on_state(fh_client *c, const fh_client_state *st, void *arg) {
  rec *r = arg;
  (void)c;
  r->nstates++;
  r->online = st->online;
}

static void on_event(fh_client *c, const fh_event *ev, void *arg) {
  rec *r = arg;
  (void)c;
  if (r->nevents < 32) {
    r->seqs[r->nevents] = ev->seq;
    r->types[r->nevents] = ev->type;
  }
  r->nevents++;
}

static void on_reply(fh_client *c, const fh_client_req *req, const fh_event *ev,
                     void *arg) {
  rec *r = arg;
  (void)c;
  if (r->nreplies < 8) {
    r->replies[r->nreplies] = *req;
    r->reply_types[r->nreplies] = ev->type;
    r->reply_replay[r->nreplies] = ev->replay;
  }
  r->nreplies++;
}

static void on_identity(fh_client *c, const fh_event *w, void *arg) {
  rec *r = arg;
  (void)c;
  r->nidentities++;
  snprintf(r->identity, sizeof r->identity, "%.*s", (int)w->user.n, w->user.p);
}

static uv_loop_t loop;

static fh_client *new_client(rec *r, size_t msg_max) {
  fh_client_opts o;
  fh_client *c = NULL;

  memset(r, 0, sizeof *r);
  memset(&o, 0, sizeof o);
  o.url = "ws://127.0.0.1:9/ws";
  o.token = "aaa.bbb.ccc";
  o.name = "test";
  o.msg_max = msg_max;
  o.cb.on_state = on_state;
  o.cb.on_event = on_event;
  o.cb.on_reply = on_reply;
  o.cb.on_identity = on_identity;
  o.arg = r;
  ASSERT_EQ(uv_loop_init(&loop), 0);
  ASSERT_EQ(fh_client_new(&c, &loop, &o), 0);
  return c;
}

static void free_client(fh_client *c) {
  fh_client_close(c);
  uv_run(&loop, UV_RUN_DEFAULT);
  ASSERT_EQ(uv_loop_close(&loop), 0);
}

static void snap(fh_buf *b, const char *topic, uint64_t seq, uint64_t epoch) {
  ASSERT_EQ(fh_enc_snap_begin(b, topic, seq, epoch), 0);
  ASSERT_EQ(fh_enc_map(b, 1), 0);
  ASSERT_EQ(fh_enc_str(b, "andons"), 0);
  ASSERT_EQ(fh_enc_array(b, 0), 0);
}

static void upd(fh_buf *b, const char *topic, uint64_t seq) {
  fh_andon a;
  memset(&a, 0, sizeof a);
  a.id = seq;
  snprintf(a.line, sizeof a.line, "L1");
  snprintf(a.kind, sizeof a.kind, "material");
  ASSERT_EQ(fh_enc_upd_begin(b, topic, seq), 0);
  ASSERT_EQ(fh_enc_map(b, 1), 0);
  ASSERT_EQ(fh_enc_str(b, "andon"), 0);
  ASSERT_EQ(fh_enc_andon(b, &a), 0);
}

/* Feeds a whole message in one piece. */
static void feed(fh_client *c, fh_buf *b) {
  ASSERT_EQ(fh__rx_fragment(c, b->data, b->len, 1, 1, 0, 1), 0);
  fh_buf_reset(b);
}

/* The one request the control list holds, decoded into req (views into
 * the list entry). */
static const out_req *only_ctl(fh_client *c, fh_request *req) {
  fh_decode_err err;
  ASSERT_EQ(c->ctl.n, 1);
  ASSERT_EQ(fh_request_decode(c->ctl.head->bytes, c->ctl.head->len, req, &err), 0);
  return c->ctl.head;
}

static int strv_is(fh_strv v, const char *s) {
  return v.n == strlen(s) && memcmp(v.p, s, v.n) == 0;
}

FH_TEST(subs_deliver_in_order_and_resync_after_a_gap) {
  subs s;
  fh_event ev;
  int flag;

  memset(&s, 0, sizeof s);
  memset(&ev, 0, sizeof ev);
  ASSERT_EQ(fh__subs_add(&s, "andon"), 1);
  ASSERT_EQ(fh__subs_add(&s, "andon"), 0);
  ASSERT_EQ(fh__subs_add(&s, ""), -EINVAL);
  ev.topic = (fh_strv){"andon", 5};
  ev.seq = 3; /* an upd before the first snap is not delivered */
  ASSERT_EQ(fh__subs_on_upd(&s, &ev, &flag), 0);
  ASSERT_EQ(flag, 0);
  ev.seq = 5;
  ev.epoch = 7;
  ASSERT_EQ(fh__subs_on_snap(&s, &ev, &flag), 1);
  ev.seq = 6;
  ASSERT_EQ(fh__subs_on_upd(&s, &ev, &flag), 1);
  ev.seq = 8; /* 7 is missing */
  ASSERT_EQ(fh__subs_on_upd(&s, &ev, &flag), 0);
  ASSERT_EQ(flag, 1);
  ev.seq = 9; /* dropped until a fresh snap, without asking again */
  ASSERT_EQ(fh__subs_on_upd(&s, &ev, &flag), 0);
  ASSERT_EQ(flag, 0);
  ev.seq = 20;
  ASSERT_EQ(fh__subs_on_snap(&s, &ev, &flag), 1);
  ev.seq = 21;
  ASSERT_EQ(fh__subs_on_upd(&s, &ev, &flag), 1);
  ev.topic = (fh_strv){"plant", 5}; /* not subscribed */
  ASSERT_EQ(fh__subs_on_snap(&s, &ev, &flag), 0);
  fh__subs_free(&s);
}

FH_TEST(subs_drop_seqs_when_the_epoch_changes) {
  subs s;
  fh_event ev;
  int others;

  memset(&s, 0, sizeof s);
  memset(&ev, 0, sizeof ev);
  fh__subs_add(&s, "plant");
  fh__subs_add(&s, "andon");
  ASSERT_EQ(fh__subs_on_welcome(&s, 7), 0);
  ev.topic = (fh_strv){"plant", 5};
  ev.seq = 4;
  ev.epoch = 7;
  ASSERT_EQ(fh__subs_on_snap(&s, &ev, &others), 1);
  ASSERT_EQ(others, 0);
  ASSERT_EQ(s.v[0].has_seq, 1);
  ASSERT_EQ(fh__subs_on_welcome(&s, 7), 0); /* same epoch: seqs kept */
  ASSERT_EQ(s.v[0].has_seq, 1);
  ASSERT_EQ(fh__subs_on_welcome(&s, 8), 1);
  ASSERT_EQ(s.v[0].has_seq, 0);
  ASSERT_EQ(s.v[0].resync, 1);
  ev.topic = (fh_strv){"andon", 5}; /* a snap of yet another epoch */
  ev.epoch = 9;
  ASSERT_EQ(fh__subs_on_snap(&s, &ev, &others), 1);
  ASSERT_EQ(others, 1);
  ASSERT_UINT_EQ(s.epoch, 9);
  fh__subs_free(&s);
}

FH_TEST(outbox_is_fifo_and_finds_by_id) {
  out_list l;
  fh_client_req pub;
  uint8_t b[3] = {1, 2, 3};

  memset(&l, 0, sizeof l);
  memset(&pub, 0, sizeof pub);
  for (uint64_t id = 1; id <= 3; id++) {
    pub.id = id;
    ASSERT(fh__outq_push(&l, &pub, b, sizeof b) != NULL);
  }
  ASSERT_EQ(l.n, 3);
  ASSERT_UINT_EQ(l.head->pub.id, 1);
  fh__outq_remove(&l, fh__outq_find(&l, 2));
  ASSERT(fh__outq_find(&l, 2) == NULL);
  ASSERT_UINT_EQ(l.head->next->pub.id, 3);
  fh__outq_remove(&l, fh__outq_find(&l, 3));
  ASSERT_UINT_EQ(l.tail->pub.id, 1);
  ASSERT_EQ(fh__outq_has_unsent(&l), 1);
  l.head->sent = 1;
  ASSERT_EQ(fh__outq_has_unsent(&l), 0);
  fh__outq_mark_unsent(&l);
  ASSERT_EQ(fh__outq_has_unsent(&l), 1);
  fh__outq_clear(&l);
  ASSERT_EQ(l.n, 0);
}

FH_TEST(fragments_are_reassembled_and_every_map_is_delivered) {
  rec r;
  fh_client *c = new_client(&r, 0);
  fh_buf b;
  size_t cut1, cut2;

  c->phase = PHASE_ONLINE;
  fh__subs_add(&c->subs, "andon");
  fh_buf_init(&b, 0);
  snap(&b, "andon", 4, 7);
  upd(&b, "andon", 5);
  upd(&b, "andon", 6);
  cut1 = 3;           /* inside the first map's header */
  cut2 = b.len - 10;  /* inside the last map */
  ASSERT_EQ(fh__rx_fragment(c, b.data, cut1, 1, 0, 0, 1), 0);
  ASSERT_EQ(r.nevents, 0);
  ASSERT_EQ(fh__rx_fragment(c, b.data + cut1, cut2 - cut1, 0, 0, 0, 1), 0);
  ASSERT_EQ(r.nevents, 0);
  ASSERT_EQ(fh__rx_fragment(c, b.data + cut2, b.len - cut2, 0, 1, 0, 1), 0);
  ASSERT_EQ(r.nevents, 3);
  ASSERT_EQ(r.types[0], FH_MSG_SNAP);
  ASSERT_UINT_EQ(r.seqs[0], 4);
  ASSERT_UINT_EQ(r.seqs[1], 5);
  ASSERT_UINT_EQ(r.seqs[2], 6);
  ASSERT(c->rx.data == NULL); /* the reassembly buffer is freed after use */
  fh_buf_free(&b);
  free_client(c);
}

FH_TEST(a_gap_resubscribes_the_topic_without_since) {
  rec r;
  fh_client *c = new_client(&r, 0);
  fh_buf b;
  fh_request req;

  c->phase = PHASE_ONLINE;
  fh__subs_add(&c->subs, "andon");
  fh_buf_init(&b, 0);
  snap(&b, "andon", 1, 7);
  upd(&b, "andon", 3);
  feed(c, &b);
  ASSERT_EQ(r.nevents, 1);
  only_ctl(c, &req);
  ASSERT_EQ(req.type, FH_MSG_SUB);
  ASSERT_EQ(req.u.sub.ntopics, 1);
  ASSERT(strv_is(req.u.sub.topics[0], "andon"));
  ASSERT_EQ(req.u.sub.nsince, 0);
  upd(&b, "andon", 4); /* still waiting for the snap */
  feed(c, &b);
  ASSERT_EQ(r.nevents, 1);
  snap(&b, "andon", 30, 7);
  upd(&b, "andon", 31);
  feed(c, &b);
  ASSERT_EQ(r.nevents, 3);
  ASSERT_UINT_EQ(r.seqs[2], 31);
  fh_buf_free(&b);
  free_client(c);
}

FH_TEST(oversized_and_text_messages_close_the_connection) {
  rec r;
  fh_client *c = new_client(&r, 100);
  uint8_t bytes[60];

  memset(bytes, 0x80, sizeof bytes);
  ASSERT_EQ(fh__rx_fragment(c, bytes, 60, 1, 0, 41, 1), 1009);
  ASSERT_EQ(fh__rx_fragment(c, bytes, 60, 1, 0, 40, 1), 0); /* 100 fits */
  fh__rx_reset(c);
  ASSERT_EQ(fh__rx_fragment(c, bytes, 10, 1, 1, 0, 0), 1003);
  ASSERT_EQ(r.nevents, 0);
  free_client(c);
}

FH_TEST(requests_get_ids_and_unique_keys_and_replies_reach_their_request) {
  rec r;
  fh_client *c = new_client(&r, 0);
  fh_request req;
  fh_andon a;
  fh_buf b;
  uint64_t id1, id2;
  int tag1, tag2;
  const fh_client_req *q1, *q2;

  memset(&req, 0, sizeof req);
  req.type = FH_MSG_ANDON_ACK;
  req.u.andon_op.andon = 3;
  ASSERT_EQ(fh_client_send(c, &req, &tag1, &id1), 0);
  ASSERT_EQ(fh_client_send(c, &req, &tag2, &id2), 0);
  ASSERT_NE(id1, id2);
  q1 = fh_client_find(c, id1);
  q2 = fh_client_find(c, id2);
  ASSERT(q1 != NULL && q2 != NULL);
  ASSERT_EQ(strncmp(q1->key, "test-", 5), 0);
  ASSERT(strcmp(q1->key, q2->key) != 0);
  ASSERT_EQ(fh_client_pending(c), 2);
  req.type = FH_MSG_SUB; /* the client's own business */
  ASSERT_EQ(fh_client_send(c, &req, NULL, NULL), -EINVAL);
  ASSERT_EQ(fh_client_pending(c), 2);

  memset(&a, 0, sizeof a);
  a.id = 3;
  fh_buf_init(&b, 0);
  ASSERT_EQ(fh_enc_ok_andon(&b, 1, id1, &a, 1), 0);
  ASSERT_EQ(fh_enc_err(&b, 1, id2, FH_E_CONFLICT, "andon", "andon 3 is acknowledged"), 0);
  feed(c, &b);
  ASSERT_EQ(r.nreplies, 2);
  ASSERT_UINT_EQ(r.replies[0].id, id1);
  ASSERT(r.replies[0].data == &tag1);
  ASSERT_EQ(r.reply_types[0], FH_MSG_OK);
  ASSERT_EQ(r.reply_replay[0], 1);
  ASSERT(r.replies[1].data == &tag2);
  ASSERT_EQ(r.reply_types[1], FH_MSG_ERR);
  ASSERT_EQ(fh_client_pending(c), 0);
  fh_buf_free(&b);
  free_client(c);
}

FH_TEST(dt_requests_are_sent_with_a_key_and_login_is_not) {
  rec r;
  fh_client *c = new_client(&r, 0);
  fh_request req;
  uint64_t id;

  memset(&req, 0, sizeof req);
  req.type = FH_MSG_DT_CLASSIFY;
  req.u.dt.event = 7;
  req.u.dt.reason = (fh_strv){"mechanical", 10};
  ASSERT_EQ(fh_client_send(c, &req, NULL, &id), 0);
  ASSERT_EQ(strncmp(fh_client_find(c, id)->key, "test-", 5), 0);
  ASSERT_EQ(fh_client_find(c, id)->type, FH_MSG_DT_CLASSIFY);
  memset(&req, 0, sizeof req);
  req.type = FH_MSG_DT_LIST; /* a read: no key */
  req.u.dt_list.line = (fh_strv){"L1", 2};
  req.u.dt_list.to = 1;
  ASSERT_EQ(fh_client_send(c, &req, NULL, &id), 0);
  ASSERT_STR_EQ(fh_client_find(c, id)->key, "");
  memset(&req, 0, sizeof req);
  req.type = FH_MSG_OEE_HISTORY; /* the history reads: no key either */
  req.u.history.scope = (fh_strv){"line", 4};
  req.u.history.line = (fh_strv){"L1", 2};
  req.u.history.group = (fh_strv){"day", 3};
  req.u.history.to = 1;
  ASSERT_EQ(fh_client_send(c, &req, NULL, &id), 0);
  ASSERT_STR_EQ(fh_client_find(c, id)->key, "");
  req.type = FH_MSG_DT_PARETO;
  req.u.history.top = 1;
  ASSERT_EQ(fh_client_send(c, &req, NULL, &id), 0);
  ASSERT_EQ(fh_client_find(c, id)->type, FH_MSG_DT_PARETO);
  memset(&req, 0, sizeof req);
  req.type = FH_MSG_LOGIN;
  ASSERT_EQ(fh_client_send(c, &req, NULL, NULL), -EINVAL);
  req.type = FH_MSG_LOGOUT;
  ASSERT_EQ(fh_client_send(c, &req, NULL, NULL), -EINVAL);
  ASSERT_EQ(fh_client_pending(c), 4);
  free_client(c);
}

/* Goes offline and back: the hello, then the welcome with `epoch`. */
static void reconnect(fh_client *c, uint64_t epoch) {
  fh_welcome w;
  fh_buf b;

  fh__client_lost(c, "test");
  fh__client_established(c);
  ASSERT_EQ(c->ctl.n, 1);
  ASSERT_EQ(c->ctl.head->pub.type, FH_MSG_HELLO);
  memset(&w, 0, sizeof w);
  w.has_id = 1;
  w.id = c->hello_id;
  w.user = "mt1";
  w.role = "maintenance";
  w.hub = "floorhub/0.1.0";
  w.session = "01";
  w.epoch = epoch;
  fh_buf_init(&b, 0);
  ASSERT_EQ(fh_enc_welcome(&b, &w), 0);
  feed(c, &b);
  fh_buf_free(&b);
}

FH_TEST(a_reconnect_resumes_with_since_and_resends_the_outbox) {
  rec r;
  fh_client *c = new_client(&r, 0);
  const char *topics[] = {"andon", "plant"};
  fh_request req;
  fh_buf b;
  uint64_t id;

  ASSERT_EQ(fh_client_subscribe(c, topics, 2), 0);
  reconnect(c, 7); /* the first connection */
  ASSERT_EQ(r.online, 1);
  fh__outq_clear(&c->ctl);
  fh_buf_init(&b, 0);
  snap(&b, "andon", 41, 7);
  feed(c, &b);
  memset(&req, 0, sizeof req);
  req.type = FH_MSG_ANDON_ACK;
  req.u.andon_op.andon = 3;
  ASSERT_EQ(fh_client_send(c, &req, NULL, &id), 0);
  c->outbox.head->sent = 1; /* written, no answer yet */

  reconnect(c, 7);
  ASSERT_EQ(r.nstates, 3); /* online, offline, online */
  only_ctl(c, &req);
  ASSERT_EQ(req.u.sub.ntopics, 2);
  ASSERT_EQ(req.u.sub.nsince, 1);
  ASSERT(strv_is(req.u.sub.since[0].topic, "andon"));
  ASSERT_UINT_EQ(req.u.sub.since[0].seq, 41);
  ASSERT_EQ(req.u.sub.has_epoch, 1);
  ASSERT_UINT_EQ(req.u.sub.epoch, 7);
  ASSERT_EQ(fh__outq_has_unsent(&c->outbox), 1); /* written again, same id */
  ASSERT(fh_client_find(c, id) != NULL);

  fh__outq_clear(&c->ctl);
  reconnect(c, 8); /* the hub's history changed: fresh snaps */
  only_ctl(c, &req);
  ASSERT_EQ(req.u.sub.ntopics, 2);
  ASSERT_EQ(req.u.sub.nsince, 0);
  fh_buf_free(&b);
  free_client(c);
}

/* A kiosk's login and logout: only online, on the control list (never in
 * the outbox, never resent), answered through on_reply; a welcome without
 * id on the open connection is the hub changing who we are. */
FH_TEST(login_belongs_to_the_connection_and_the_hub_may_sign_out) {
  rec r;
  fh_client *c = new_client(&r, 0);
  fh_request req, got;
  fh_login_ok ok = {.has_id = 1, .user = "ana", .name = "Ana", .role = "operator"};
  fh_welcome w = {.user = "kiosk-L1", .role = "kiosk", .hub = "floorhub/0.1.0",
                  .session = "01", .epoch = 7};
  fh_buf b;
  uint64_t id;

  memset(&req, 0, sizeof req);
  req.type = FH_MSG_LOGIN;
  req.u.login.badge = (fh_strv){"0004711", 7};
  ASSERT_EQ(fh_client_login(c, &req, &id), -ENOTCONN);
  reconnect(c, 7);
  fh__outq_clear(&c->ctl);
  ASSERT_EQ(fh_client_login(c, &req, &id), 0);
  ASSERT_EQ(only_ctl(c, &got)->pub.type, FH_MSG_LOGIN);
  ASSERT(strv_is(got.u.login.badge, "0004711"));
  ASSERT_EQ(fh_client_pending(c), 0); /* not the outbox */
  ok.id = id;
  fh_buf_init(&b, 0);
  ASSERT_EQ(fh_enc_ok_login(&b, &ok), 0);
  feed(c, &b);
  ASSERT_EQ(r.nreplies, 1);
  ASSERT_EQ(r.replies[0].type, FH_MSG_LOGIN);
  ASSERT_EQ(c->ctl.n, 0);

  ASSERT_EQ(fh_client_login(c, &req, &id), 0);
  reconnect(c, 7); /* lost before the answer: gone, not resent */
  ASSERT_EQ(c->ctl.n, 0); /* no topics, so no sub: nothing at all */
  ASSERT(fh_client_find(c, id) == NULL);
  ASSERT_EQ(fh_enc_welcome(&b, &w), 0); /* no id: the hub signed ana out */
  feed(c, &b);
  ASSERT_EQ(r.nidentities, 1);
  ASSERT_STR_EQ(r.identity, "kiosk-L1");
  ASSERT_EQ(r.nstates, 3); /* online, offline, online: no change of state */
  req.type = FH_MSG_ANDON_ACK;
  ASSERT_EQ(fh_client_login(c, &req, NULL), -EINVAL);
  req.type = FH_MSG_LOGOUT;
  ASSERT_EQ(fh_client_login(c, &req, NULL), 0);
  fh_buf_free(&b);
  free_client(c);
}

FH_TEST(bad_options_are_refused) {
  fh_client_opts o;
  fh_client *c = NULL;

  memset(&o, 0, sizeof o);
  ASSERT_EQ(uv_loop_init(&loop), 0);
  o.url = "http://127.0.0.1:1/ws";
  o.token = "t";
  ASSERT_EQ(fh_client_new(&c, &loop, &o), -EINVAL);
  o.url = "ws://127.0.0.1:1/ws";
  o.token = "";
  ASSERT_EQ(fh_client_new(&c, &loop, &o), -EINVAL);
  ASSERT(c == NULL);
  ASSERT_EQ(uv_loop_close(&loop), 0);
}

FH_TEST_MAIN(FH_TEST_ENTRY(subs_deliver_in_order_and_resync_after_a_gap),
             FH_TEST_ENTRY(subs_drop_seqs_when_the_epoch_changes),
             FH_TEST_ENTRY(outbox_is_fifo_and_finds_by_id),
             FH_TEST_ENTRY(fragments_are_reassembled_and_every_map_is_delivered),
             FH_TEST_ENTRY(a_gap_resubscribes_the_topic_without_since),
             FH_TEST_ENTRY(oversized_and_text_messages_close_the_connection),
             FH_TEST_ENTRY(requests_get_ids_and_unique_keys_and_replies_reach_their_request),
             FH_TEST_ENTRY(dt_requests_are_sent_with_a_key_and_login_is_not),
             FH_TEST_ENTRY(a_reconnect_resumes_with_since_and_resends_the_outbox),
             FH_TEST_ENTRY(login_belongs_to_the_connection_and_the_hub_may_sign_out),
             FH_TEST_ENTRY(bad_options_are_refused))
