"""gunicorn config of the lifecycle tests: the package's hooks, nothing else."""

from tasker_contrib_flask.gunicorn import post_fork, post_worker_init, worker_exit

__all__ = ["post_fork", "post_worker_init", "worker_exit"]
