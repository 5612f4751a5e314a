// Loading the bundle, defining <sip-phone> and rendering it once.
window.firstRender = (async () => {
  const t0 = performance.now();
  await import('/dist/sip-phone.js');
  const defined = performance.now();
  const phone = document.createElement('sip-phone');
  document.body.append(phone);
  await phone.updateComplete;
  const rendered = performance.now();
  return { defineMs: defined - t0, renderMs: rendered - defined, totalMs: rendered - t0 };
})();
