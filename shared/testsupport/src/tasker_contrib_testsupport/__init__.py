"""Test support shared by every tasker-contrib package (not published).

* ``postgres``: :class:`~tasker_contrib_testsupport.postgres.PostgresCluster`, a
  throwaway PostgreSQL server started from Debian's binaries.
* ``worker_probe``: bootstrap the real Tasker worker in a child process and
  report the outcome (:func:`~tasker_contrib_testsupport.worker_probe.probe_worker`).
* ``browser``: headless Chromium under Debian's chromedriver for browser tests
  (:class:`~tasker_contrib_testsupport.browser.HeadlessChromium`,
  :func:`~tasker_contrib_testsupport.browser.save_screenshot`).
* ``plugin``: the pytest fixtures ``postgres_cluster`` and ``postgres_url``.

Nothing is imported here, so loading the pytest plugin stays cheap.
"""
