/*
 * The C reference for `npm run bench`: the same training maths as slm studio's kernel (README.md,
 * "The model"), written as a plain, tight C loop over float64, for `cc -O3 -march=native`.
 *
 *   h1 = tanh(W0[:, token]),  h2 = tanh(W1 . [h1 ; c]),  p = softmax(W2 . h2)
 *
 * Each training line is fed as [boundary, tokens...] predicting [tokens..., boundary] from a zero
 * context; full back-propagation through time of the mean cross-entropy, the gradient's norm
 * clipped to CLIP, then one Adam step (bias correction folded into the step size) on every weight,
 * with 1 / (sqrt(v) + 1e-8) taken in float32 as the engine takes it.
 * The lines are shuffled every epoch. The same work per epoch as the engine, not the same numbers:
 * the initialisation and the shuffle come from a small generator of its own.
 *
 * Usage: reference CORPUS E EPOCHS LEARNING_RATE SEED
 * CORPUS is a text file: "V N" on the first line, then N lines, each its length and its token rows
 * (the benchmark writes the engine's training lines, so both train on the same lines).
 * Prints one line of JSON: tokens trained, training seconds, tokens per second, the last epoch's loss.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CLIP 5.0

static int E, V;
static double *w0, *w1, *w2, *g0, *g1, *g2, *m0, *m1, *m2, *v0, *v1, *v2;
static double *joint, *ctx, *probs, *dctx, *djoint, *dz;

static unsigned long long state;
static double uniform(void) {
  state = state * 6364136223846793005ULL + 1442695040888963407ULL;
  return (double)(state >> 11) * (1.0 / 9007199254740992.0);
}

static double *alloc(size_t n) {
  double *p = calloc(n, sizeof(double));
  if (!p) { fprintf(stderr, "out of memory\n"); exit(1); }
  return p;
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static inline void adam_one(double *restrict w, const double *restrict g, double *restrict m, double *restrict v, size_t i, double g_scale, double step_size) {
  const double gi = g[i] * g_scale;
  m[i] = 0.9 * m[i] + 0.1 * gi;
  v[i] = 0.999 * v[i] + 0.001 * gi * gi;
  w[i] -= step_size * m[i] * (double)(1.0f / (sqrtf((float)v[i]) + 1e-8f));
}

/* One line of n tokens: forward, backward, clip, Adam. Returns the mean loss. */
static double train_line(const int *tokens, int n, double step_size) {
  const int steps = n + 1, W = 2 * E;
  double loss = 0;
  for (int s = 0; s < steps; s++) {
    const int x = s == 0 ? 0 : tokens[s - 1];
    const int y = s == n ? 0 : tokens[s];
    double *j = joint + (size_t)s * W, *c = ctx + (size_t)s * E, *p = probs + (size_t)s * V;
    for (int i = 0; i < E; i++) j[i] = tanh(w0[(size_t)i * V + x]);
    for (int i = 0; i < E; i++) j[E + i] = s == 0 ? 0.0 : ctx[(size_t)(s - 1) * E + i];
    for (int i = 0; i < E; i++) {
      double a = 0;
      for (int k = 0; k < W; k++) a += w1[(size_t)i * W + k] * j[k];
      c[i] = tanh(a);
    }
    double max = -INFINITY;
    for (int k = 0; k < V; k++) {
      double o = 0;
      for (int i = 0; i < E; i++) o += w2[(size_t)k * E + i] * c[i];
      p[k] = o;
      if (o > max) max = o;
    }
    double total = 0;
    for (int k = 0; k < V; k++) { p[k] = exp(p[k] - max); total += p[k]; }
    for (int k = 0; k < V; k++) p[k] /= total;
    loss -= log(p[y]);
  }

  memset(g0, 0, sizeof(double) * E * V);
  memset(g1, 0, sizeof(double) * E * W);
  memset(g2, 0, sizeof(double) * V * E);
  memset(djoint, 0, sizeof(double) * W);
  const double scale = 1.0 / steps;
  for (int s = steps - 1; s >= 0; s--) {
    const int x = s == 0 ? 0 : tokens[s - 1];
    const int y = s == n ? 0 : tokens[s];
    const double *j = joint + (size_t)s * W, *c = ctx + (size_t)s * E, *p = probs + (size_t)s * V;
    for (int i = 0; i < E; i++) dctx[i] = djoint[E + i];
    for (int k = 0; k < V; k++) {
      const double d = (k == y ? p[k] - 1 : p[k]) * scale;
      double *restrict gk = g2 + (size_t)k * E, *restrict dc = dctx;
      const double *restrict wk = w2 + (size_t)k * E;
      for (int i = 0; i < E; i++) {
        gk[i] += d * c[i];
        dc[i] += d * wk[i];
      }
    }
    for (int i = 0; i < E; i++) dz[i] = dctx[i] * (1 - c[i] * c[i]);
    memset(djoint, 0, sizeof(double) * W);
    for (int i = 0; i < E; i++) {
      const double d = dz[i];
      double *restrict gi = g1 + (size_t)i * W, *restrict dj = djoint;
      const double *restrict wi = w1 + (size_t)i * W;
      for (int k = 0; k < W; k++) {
        gi[k] += d * j[k];
        dj[k] += d * wi[k];
      }
    }
    for (int i = 0; i < E; i++) g0[(size_t)i * V + x] += djoint[i] * (1 - j[i] * j[i]);
  }

  const size_t n0 = (size_t)E * V, n1 = (size_t)E * W, n2 = (size_t)V * E;
  double sum = 0;
  for (size_t i = 0; i < n0; i++) sum += g0[i] * g0[i];
  for (size_t i = 0; i < n1; i++) sum += g1[i] * g1[i];
  for (size_t i = 0; i < n2; i++) sum += g2[i] * g2[i];
  const double norm = sqrt(sum);
  const double g_scale = norm > CLIP ? CLIP / norm : 1.0;
  for (size_t i = 0; i < n0; i++) adam_one(w0, g0, m0, v0, i, g_scale, step_size);
  for (size_t i = 0; i < n1; i++) adam_one(w1, g1, m1, v1, i, g_scale, step_size);
  for (size_t i = 0; i < n2; i++) adam_one(w2, g2, m2, v2, i, g_scale, step_size);
  return loss / steps;
}

int main(int argc, char **argv) {
  if (argc != 6) { fprintf(stderr, "usage: reference CORPUS E EPOCHS LEARNING_RATE SEED\n"); return 2; }
  FILE *f = fopen(argv[1], "r");
  if (!f) { perror(argv[1]); return 1; }
  int lines;
  if (fscanf(f, "%d %d", &V, &lines) != 2) { fprintf(stderr, "bad corpus header\n"); return 1; }
  E = atoi(argv[2]);
  const int epochs = atoi(argv[3]);
  const double rate = atof(argv[4]);
  state = (unsigned long long)atoll(argv[5]) * 2654435761ULL + 1;
  int *lengths = malloc(sizeof(int) * lines), **rows = malloc(sizeof(int *) * lines), longest = 0;
  for (int l = 0; l < lines; l++) {
    if (fscanf(f, "%d", &lengths[l]) != 1) { fprintf(stderr, "bad corpus line %d\n", l); return 1; }
    rows[l] = malloc(sizeof(int) * (lengths[l] + 1));
    for (int t = 0; t < lengths[l]; t++) if (fscanf(f, "%d", &rows[l][t]) != 1) { fprintf(stderr, "bad token\n"); return 1; }
    if (lengths[l] > longest) longest = lengths[l];
  }
  fclose(f);
  const int W = 2 * E, cap = longest + 1;
  w0 = alloc(E * V); w1 = alloc(E * W); w2 = alloc(V * E);
  g0 = alloc(E * V); g1 = alloc(E * W); g2 = alloc(V * E);
  m0 = alloc(E * V); m1 = alloc(E * W); m2 = alloc(V * E);
  v0 = alloc(E * V); v1 = alloc(E * W); v2 = alloc(V * E);
  joint = alloc((size_t)cap * W); ctx = alloc((size_t)cap * E); probs = alloc((size_t)cap * V);
  dctx = alloc(E); djoint = alloc(W); dz = alloc(E);
  for (int i = 0; i < E * V; i++) w0[i] = uniform() * 2 - 1;
  for (int i = 0; i < E * W; i++) w1[i] = (uniform() * 2 - 1) / sqrt(2.0 * E);
  for (int i = 0; i < V * E; i++) w2[i] = (uniform() * 2 - 1) / sqrt((double)E);

  int *order = malloc(sizeof(int) * lines);
  for (int l = 0; l < lines; l++) order[l] = l;
  long long tokens = 0, t = 0;
  double last_loss = 0;
  const double began = now();
  for (int e = 0; e < epochs; e++) {
    for (int l = lines - 1; l > 0; l--) {
      const int r = (int)(uniform() * (l + 1)), keep = order[l];
      order[l] = order[r];
      order[r] = keep;
    }
    double epoch_loss = 0;
    long long epoch_steps = 0;
    for (int l = 0; l < lines; l++) {
      const int row = order[l];
      t++;
      const double step_size = rate * sqrt(1 - pow(0.999, (double)t)) / (1 - pow(0.9, (double)t));
      const double loss = train_line(rows[row], lengths[row], step_size);
      epoch_loss += loss * (lengths[row] + 1);
      epoch_steps += lengths[row] + 1;
      tokens += lengths[row] + 1;
    }
    last_loss = epoch_loss / epoch_steps;
  }
  const double seconds = now() - began;
  printf("{\"tokens\":%lld,\"seconds\":%.6f,\"tokensPerSecond\":%.1f,\"lastEpochLoss\":%.6f}\n", tokens, seconds, tokens / seconds, last_loss);
  return 0;
}
