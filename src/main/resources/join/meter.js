// Levels in dBFS from an AnalyserNode: the RMS level for the meters, and the level at one frequency (the test reads
// tones through it). The AudioContext may run at 44.1 or 48 kHz: bins are computed from its actual rate.

export class LevelMeter {
  constructor(ctx, stream) {
    this.ctx = ctx;
    this.analyser = ctx.createAnalyser();
    this.analyser.fftSize = 8192;
    this.analyser.smoothingTimeConstant = 0.5;
    ctx.createMediaStreamSource(stream).connect(this.analyser);
    this.time = new Float32Array(this.analyser.fftSize);
    this.freq = new Float32Array(this.analyser.frequencyBinCount);
  }

  /** The RMS level of the last window, in dBFS (-100 for silence). */
  level() {
    this.analyser.getFloatTimeDomainData(this.time);
    let sum = 0;
    for (const v of this.time) sum += v * v;
    const rms = Math.sqrt(sum / this.time.length);
    return rms > 0 ? Math.max(-100, 20 * Math.log10(rms)) : -100;
  }

  /** The spectrum's peak around {@code hz}, in dB. */
  tone(hz) {
    this.analyser.getFloatFrequencyData(this.freq);
    const b = Math.round(hz * this.analyser.fftSize / this.ctx.sampleRate);
    return Math.max(this.freq[b - 1], this.freq[b], this.freq[b + 1]);
  }
}
