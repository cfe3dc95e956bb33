"""Running a build: the plan, the worker pool, the cache and the output folder."""
