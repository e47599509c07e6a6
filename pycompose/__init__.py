"""pycompose: Docker Compose v2, reimplemented in Python.

The public surface is small and stable: load a project with :func:`pycompose.api.load_project`,
catch :class:`pycompose.errors.PycomposeError` for anything a user can get wrong.
"""

__version__ = "0.1.0"

#: The Docker Compose version whose behaviour (labels, hashes, output) pycompose follows.
COMPOSE_COMPAT_VERSION = "2.40.3"
