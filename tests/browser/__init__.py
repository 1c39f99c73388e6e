"""End-to-end tests of the web app in a real Chromium, driven by Playwright (see conftest.py)."""
