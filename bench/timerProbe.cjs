/**
 * Preloaded (NODE_OPTIONS=--require) into code-server's processes by bench/idle.bench.mjs: in an extension host,
 * counts the timer callbacks (setTimeout, setInterval, setImmediate) whose timer was armed from an extension's own
 * files, per extension folder, and writes the counts to AWS_SESSIONS_TIMER_PROBE/<pid>.json once a second. The host
 * itself wakes hundreds of times a second (VS Code's own timers and sockets), so its context switches cannot show an
 * extension's wake-ups; its timers can. Event callbacks (a watched file, a socket) are not timers and not counted:
 * they come only when something happens. Not shipped; stacks are captured only for timers, only here.
 */
'use strict';
const dir = process.env.AWS_SESSIONS_TIMER_PROBE;
const roots = (process.env.AWS_SESSIONS_TIMER_PROBE_ROOTS || '').split('\n').filter(Boolean);
if (dir && roots.length > 0 && process.argv.some((a) => a.includes('extensionHost'))) {
  const timers = require('node:timers');
  const { writeFileSync } = require('node:fs');
  const path = require('node:path');
  /** Per extension: timers armed, callbacks fired, and fired per arming site (the first frame in its files). */
  const counts = Object.fromEntries(roots.map((r) => [r, { armed: 0, fired: 0, sites: {} }]));
  Error.stackTraceLimit = Math.max(Error.stackTraceLimit, 30);
  const ownerOf = () => {
    const stack = new Error().stack || '';
    const owner = roots.find((r) => stack.includes(r));
    return owner && { owner, site: (stack.split('\n').find((line) => line.includes(owner)) || '').trim().slice(0, 200) };
  };
  const wrap = (original) =>
    function (callback, ...rest) {
      const found = typeof callback === 'function' ? ownerOf() : undefined;
      if (!found) return original.call(this, callback, ...rest);
      const mine = counts[found.owner];
      mine.armed += 1;
      return original.call(
        this,
        function (...args) {
          mine.fired += 1;
          mine.sites[found.site] = (mine.sites[found.site] || 0) + 1;
          return callback.apply(this, args);
        },
        ...rest,
      );
    };
  for (const name of ['setTimeout', 'setInterval', 'setImmediate']) {
    const wrapped = wrap(globalThis[name]);
    globalThis[name] = wrapped;
    timers[name] = wrapped;
  }
  const file = path.join(dir, `${process.pid}.json`);
  const flush = () => {
    try {
      writeFileSync(file, JSON.stringify({ at: Date.now(), counts }));
    } catch {
      /* the bench removed its folder */
    }
  };
  // The probe's own timer: armed from this file, not an extension's, so it is not counted.
  timers.setInterval(flush, 1000).unref();
}
