"""pytest configuration shared by every app's tests."""

import os

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run in
# a thread with a running loop unless told it is safe. Only the browser tests need this, and
# there the ORM work happens in the live server's own thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
