#!/usr/bin/env bash
# Browser tests (headless Chromium driven by playwright-core).
# Filled in by the banner work; nothing to run yet.
exit 0
