"""What the benchmarks run inside a page showing NemoStudio (real JupyterLab and chromium)."""

from __future__ import annotations

# Click Export in the studio `index` of the page, resolve when a new full video has reached
# `readyState` (2: a frame to show, 3: enough to play on): {export_ms, duration_s}.
EXPORT_AND_WATCH = """async ({index, readyState}) => {
  const root = document.querySelectorAll('.nemo-studio')[index];
  const video = () => root.querySelector('[data-testid=nemo-video]');
  const before = video() ? video().currentSrc : '';
  return await new Promise((resolve, reject) => {
    setTimeout(() => reject(new Error('no playable video within 180 s')), 180000);
    const clicked = performance.now();
    const poll = () => {
      const v = video();
      if (v && v.currentSrc && v.currentSrc !== before && v.readyState >= readyState) {
        resolve({export_ms: performance.now() - clicked, duration_s: v.duration});
      } else {
        requestAnimationFrame(poll);
      }
    };
    root.querySelector('[data-testid=nemo-export]').click();
    poll();
  });
}"""
