// Sound for new alerts on the live grid: two short tones made with Web Audio (no sound file to load or license).
window.movementAlerts = {
  played: 0,
  context: null,
  // Called when a supervisor turns sound on (a user gesture, so the browser lets the page play sound).
  enable() {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return;
    this.context = this.context || new Ctx();
    this.context.resume();
  },
  beep() {
    this.played++;
    const ctx = this.context;
    if (!ctx) return;
    const now = ctx.currentTime;
    [[0, 880], [0.22, 660]].forEach(([at, frequency]) => {
      const tone = ctx.createOscillator();
      const gain = ctx.createGain();
      tone.frequency.value = frequency;
      gain.gain.setValueAtTime(0.25, now + at);
      gain.gain.exponentialRampToValueAtTime(0.001, now + at + 0.2);
      tone.connect(gain).connect(ctx.destination);
      tone.start(now + at);
      tone.stop(now + at + 0.2);
    });
  }
};
