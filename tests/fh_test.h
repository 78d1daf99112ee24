/* fh_test.h -- the small unit test runner of floorhub.
 *
 * Design: a test binary lists its tests in one table (FH_TEST_LIST) and calls
 * fh_test_main().  Each test runs in a forked child, so a crash or an abort
 * in one test is reported as that test's failure and the others still run;
 * a test that runs longer than FH_TEST_TIMEOUT_S is killed.  The asserts are
 * not assert(3): they survive NDEBUG and print both values on failure.
 *
 *   ./test_protocol            runs every test
 *   ./test_protocol NAME...    runs the named tests only
 *   ./test_protocol --list     prints the names
 *
 * The last line is "N passed, N failed", which ctest and CI read.
 */
#ifndef FH_TEST_H
#define FH_TEST_H

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef FH_TEST_TIMEOUT_S
#define FH_TEST_TIMEOUT_S 120
#endif

typedef struct fh_test_entry {
  const char *name;   /* as given on the command line */
  void (*fn)(void);   /* runs in a child; returns on success */
} fh_test_entry;

#define FH_TEST(name) static void test_##name(void)
#define FH_TEST_ENTRY(name) { #name, test_##name }

#define FH_FAIL_(...)                                                        \
  do {                                                                       \
    fprintf(stderr, "  %s:%d: ", __FILE__, __LINE__);                        \
    fprintf(stderr, __VA_ARGS__);                                            \
    fputc('\n', stderr);                                                     \
    fflush(stderr);                                                          \
    abort();                                                                 \
  } while (0)

#define ASSERT(cond)                                                         \
  do {                                                                       \
    if (!(cond)) FH_FAIL_("assertion failed: %s", #cond);                    \
  } while (0)

#define ASSERT_INT_OP_(a, op, b)                                             \
  do {                                                                       \
    long long fh_a_ = (long long)(a), fh_b_ = (long long)(b);                \
    if (!(fh_a_ op fh_b_))                                                   \
      FH_FAIL_("%s %s %s: %lld %s %lld", #a, #op, #b, fh_a_, #op, fh_b_);    \
  } while (0)

#define ASSERT_EQ(a, b) ASSERT_INT_OP_(a, ==, b)
#define ASSERT_NE(a, b) ASSERT_INT_OP_(a, !=, b)
#define ASSERT_LT(a, b) ASSERT_INT_OP_(a, <, b)
#define ASSERT_LE(a, b) ASSERT_INT_OP_(a, <=, b)
#define ASSERT_GT(a, b) ASSERT_INT_OP_(a, >, b)
#define ASSERT_GE(a, b) ASSERT_INT_OP_(a, >=, b)

#define ASSERT_UINT_EQ(a, b)                                                 \
  do {                                                                       \
    unsigned long long fh_a_ = (unsigned long long)(a),                      \
                       fh_b_ = (unsigned long long)(b);                      \
    if (fh_a_ != fh_b_)                                                      \
      FH_FAIL_("%s == %s: %llu != %llu", #a, #b, fh_a_, fh_b_);              \
  } while (0)

#define ASSERT_DBL_NEAR(a, b, eps)                                           \
  do {                                                                       \
    double fh_a_ = (a), fh_b_ = (b);                                         \
    if (!(fh_a_ - fh_b_ <= (eps) && fh_b_ - fh_a_ <= (eps)))                 \
      FH_FAIL_("%s ~= %s: %.9g != %.9g (eps %g)", #a, #b, fh_a_, fh_b_,      \
               (double)(eps));                                               \
  } while (0)

#define ASSERT_STR_EQ(a, b)                                                  \
  do {                                                                       \
    const char *fh_a_ = (a), *fh_b_ = (b);                                   \
    if (fh_a_ == NULL || fh_b_ == NULL || strcmp(fh_a_, fh_b_) != 0)         \
      FH_FAIL_("%s == %s: \"%s\" != \"%s\"", #a, #b,                         \
               fh_a_ ? fh_a_ : "(null)", fh_b_ ? fh_b_ : "(null)");          \
  } while (0)

/* Compares n bytes and prints the first difference. */
#define ASSERT_MEM_EQ(a, b, n)                                               \
  do {                                                                       \
    const unsigned char *fh_a_ = (const unsigned char *)(a);                 \
    const unsigned char *fh_b_ = (const unsigned char *)(b);                 \
    size_t fh_n_ = (n);                                                      \
    for (size_t fh_i_ = 0; fh_i_ < fh_n_; fh_i_++)                           \
      if (fh_a_[fh_i_] != fh_b_[fh_i_])                                      \
        FH_FAIL_("%s == %s: byte %zu differs: %02x != %02x", #a, #b, fh_i_,  \
                 fh_a_[fh_i_], fh_b_[fh_i_]);                                \
  } while (0)

static int fh_test_run_one(const fh_test_entry *t) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) {
    perror("fork");
    return -1;
  }
  if (pid == 0) {
    alarm(FH_TEST_TIMEOUT_S);
    t->fn();
    fflush(stdout);
    _exit(0);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    ;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
  if (WIFSIGNALED(status))
    fprintf(stderr, "  %s: killed by signal %d%s\n", t->name,
            WTERMSIG(status), WTERMSIG(status) == SIGALRM ? " (timeout)" : "");
  else
    fprintf(stderr, "  %s: exit status %d\n", t->name, WEXITSTATUS(status));
  return -1;
}

static int fh_test_main(int argc, char **argv, const fh_test_entry *tests,
                        size_t ntests) {
  int passed = 0, failed = 0;
  if (argc == 2 && strcmp(argv[1], "--list") == 0) {
    for (size_t i = 0; i < ntests; i++) printf("%s\n", tests[i].name);
    return 0;
  }
  for (int a = 1; a < argc; a++) {
    int found = 0;
    for (size_t i = 0; i < ntests; i++) found |= !strcmp(argv[a], tests[i].name);
    if (!found) {
      fprintf(stderr, "no test named %s\n", argv[a]);
      return 2;
    }
  }
  for (size_t i = 0; i < ntests; i++) {
    int selected = argc == 1;
    for (int a = 1; a < argc; a++) selected |= !strcmp(argv[a], tests[i].name);
    if (!selected) continue;
    int rc = fh_test_run_one(&tests[i]);
    printf("%s - %s\n", rc == 0 ? "ok" : "not ok", tests[i].name);
    if (rc == 0) passed++;
    else failed++;
  }
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}

#define FH_TEST_MAIN(...)                                                    \
  int main(int argc, char **argv) {                                          \
    static const fh_test_entry fh_tests_[] = {__VA_ARGS__};                  \
    return fh_test_main(argc, argv, fh_tests_,                               \
                        sizeof(fh_tests_) / sizeof(fh_tests_[0]));           \
  }

#endif /* FH_TEST_H */
