/* libopus encode/decode CPU per 20 ms frame: usage APPLICATION COMPLEXITY BITRATE(0=auto) MAX_BANDWIDTH (opus_defines.h values) */
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <time.h>
typedef struct OE OE; typedef struct OD OD;
OE *opus_encoder_create(int fs, int ch, int app, int *err);
int opus_encoder_ctl(OE *st, int req, ...);
int opus_encode(OE *st, const short *pcm, int fsz, unsigned char *data, int max);
OD *opus_decoder_create(int fs, int ch, int *err);
int opus_decode(OD *st, const unsigned char *data, int len, short *pcm, int fsz, int fec);
static double cpu(void) { struct timespec t; clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t); return t.tv_sec * 1e6 + t.tv_nsec / 1e3; }
int main(int argc, char **argv) {
  int app = atoi(argv[1]), cx = atoi(argv[2]), br = atoi(argv[3]), bw = atoi(argv[4]), frames = 3000, err;
  OE *e = opus_encoder_create(48000, 1, app, &err); OD *d = opus_decoder_create(48000, 1, &err);
  opus_encoder_ctl(e, 4010, cx); opus_encoder_ctl(e, 4004, bw); if (br) opus_encoder_ctl(e, 4002, br);
  short pcm[960], out[960]; unsigned char pay[1275]; double ec = 0, dc = 0; long bytes = 0; srand(7);
  for (int f = 0; f < 2 * frames; f++) {
    double hz = 300 + 200 * sin(f / 25.0);
    for (int i = 0; i < 960; i++) pcm[i] = (short)(6000 * sin(2 * M_PI * hz * (f * 960 + i) / 48000.0) + rand() % 400 - 200);
    double c0 = cpu(); int n = opus_encode(e, pcm, 960, pay, 1275); double c1 = cpu(); opus_decode(d, pay, n, out, 960, 0); double c2 = cpu();
    if (f >= frames) { ec += c1 - c0; dc += c2 - c1; bytes += n; }
  }
  printf("libopus app=%d complexity=%d bitrate=%d bw=%d: encode %.1f us, decode %.1f us, payload %ld B\n", app, cx, br, bw, ec / frames, dc / frames, bytes / frames);
  return 0;
}
