"use strict";
// The offline page cache (sw.js); a file of its own, as the pages allow no inline script (CSP).
if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js").catch(() => {});
