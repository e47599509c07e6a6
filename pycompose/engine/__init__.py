"""Everything that talks to the Docker Engine. The only package that imports ``docker``."""
