'use strict';
/**
 * `npm start [-- --demo]`: builds only when the sources changed since the last successful build
 * (scripts/build-freshness.js), then runs the app in this process, so its arguments (`--demo`)
 * and signals (Ctrl-C, SIGTERM) reach it directly.
 */
const path = require('node:path');
const { buildIfStale } = require('./build-freshness');

const status = buildIfStale();
if (status !== 0) process.exit(status);
require(path.join(__dirname, '..', 'dist', 'src', 'main.js'));
